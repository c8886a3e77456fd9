package tickernotstopped

import (
	"context"
	"errors"
	"log"
	"time"
)

// Every return is preceded by a Stop in its own block.
func pollAllPaths(ctx context.Context, ready func() bool) error {
	t := time.NewTicker(time.Second)
	for {
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
			if ready() {
				t.Stop()
				return nil
			}
		}
	}
}

// The early return happens before the ticker exists.
func replayChecked(events []string, rate time.Duration) error {
	if len(events) == 0 {
		return errors.New("nothing to replay")
	}
	pace := time.NewTicker(rate)
	for _, e := range events {
		<-pace.C
		log.Println(e)
	}
	pace.Stop()
	return nil
}

// A deferred closure stops it.
func pollDeferredClosure(ctx context.Context, ready func() bool) bool {
	t := time.NewTicker(time.Second)
	defer func() {
		t.Stop()
		log.Println("poller done")
	}()
	for {
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
			if ready() {
				return true
			}
		}
	}
}

// Stopped before the branch that returns.
func sampleOnce(probe func() error) error {
	t := time.NewTicker(time.Millisecond)
	<-t.C
	t.Stop()
	if err := probe(); err != nil {
		return err
	}
	return nil
}

// The timer fired on the path that skips Stop: nothing is left pending.
func callOrTimeout(call func() <-chan string) (string, error) {
	deadline := time.NewTimer(time.Minute)
	select {
	case v := <-call():
		deadline.Stop()
		return v, nil
	case <-deadline.C:
		return "", errors.New("deadline exceeded")
	}
}

// Stop used as a condition: the rule does not reason about it.
func resetTimer(d time.Duration, events <-chan string) string {
	timer := time.NewTimer(d)
	select {
	case e := <-events:
		if !timer.Stop() {
			<-timer.C
		}
		return e
	case <-timer.C:
		return ""
	}
}

// The goroutine that owns the ticker stops it; the parent's return is unrelated.
func heartbeatOwned(ctx context.Context, enabled bool) {
	beat := time.NewTicker(time.Second)
	if !enabled {
		beat.Stop()
		return
	}
	go func() {
		defer beat.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-beat.C:
				log.Println("beat")
			}
		}
	}()
}

// A return inside a function literal is not a return of the function.
func sweepEach(keys []string, visit func(func(string) bool)) {
	t := time.NewTicker(time.Millisecond)
	visit(func(k string) bool {
		if k == "" {
			return false
		}
		<-t.C
		return true
	})
	t.Stop()
}

// A goroutine whose ticker is deferred-stopped.
func startReporter(ctx context.Context) {
	go func() {
		t := time.NewTicker(time.Minute)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				log.Println("report")
			}
		}
	}()
}

// A goroutine that runs for the life of the process.
func startForever(report func()) {
	go func() {
		t := time.NewTicker(time.Minute)
		for {
			<-t.C
			report()
		}
	}()
}

// Stopped right after the loop that all exits lead to.
func waitN(n int) {
	t := time.NewTicker(time.Millisecond)
	for i := 0; i < n; i++ {
		<-t.C
		if i > 100 {
			break
		}
	}
	t.Stop()
}

// Progress reporting until the work is done: the only way out of the loop stops the ticker.
func reportProgress(done <-chan struct{}, progress func() int) {
	ticker := time.NewTicker(5 * time.Second)
progressLoop:
	for {
		select {
		case <-ticker.C:
		case <-done:
			ticker.Stop()
			break progressLoop
		}
		log.Printf("%d%% processed", progress())
	}
	log.Println("done")
	return
}
