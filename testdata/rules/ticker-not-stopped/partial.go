package tickernotstopped

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"time"
)

// Stopped at the end, but cancellation returns from inside the loop first.
func pollUntilReady(ctx context.Context, ready func() bool) error {
	t := time.NewTicker(time.Second) // want `ticker .t. is not stopped on every path: the return on line 18 skips .t\.Stop\(\).`
	for !ready() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	t.Stop()
	return nil
}

// An error return in the sampling loop skips the Stop at the end.
func measure(probe func() error, n int) error {
	t := time.NewTicker(100 * time.Millisecond) // want `ticker .t. is not stopped on every path: the return on line 32`
	for i := 0; i < n; i++ {
		<-t.C
		if err := probe(); err != nil {
			return err
		}
	}
	t.Stop()
	return nil
}

// Only the cancellation branch stops the ticker.
func awaitHealthy(ctx context.Context, healthy func() bool) bool {
	probe := time.NewTicker(time.Second) // want `ticker .probe. is not stopped on every path: the return on line 49`
	for {
		select {
		case <-ctx.Done():
			probe.Stop()
			return false
		case <-probe.C:
			if healthy() {
				return true
			}
		}
	}
}

// A validation return right after the creation.
func replay(events []string, rate time.Duration) error {
	pace := time.NewTicker(rate) // want `ticker .pace. is not stopped on every path`
	if len(events) == 0 {
		return errors.New("nothing to replay")
	}
	for _, e := range events {
		<-pace.C
		log.Println(e)
	}
	pace.Stop()
	return nil
}

// A streaming handler: a client that hangs up skips the Stop.
func streamProgress(w http.ResponseWriter, r *http.Request) {
	t := time.NewTicker(time.Second) // want `ticker .t. is not stopped on every path`
	for i := 0; i < 10; i++ {
		<-t.C
		if _, err := fmt.Fprintf(w, "%d%%\n", i*10); err != nil {
			return
		}
	}
	t.Stop()
}

// Stopped only under a condition before the return.
func drain(queue <-chan string, verbose bool) int {
	flush := time.NewTicker(time.Second) // want `ticker .flush. is not stopped on every path`
	n := 0
	for {
		select {
		case s, ok := <-queue:
			if !ok {
				if verbose {
					flush.Stop()
				}
				return n
			}
			log.Println(s)
			n++
		case <-flush.C:
			log.Println("flushed", n)
		}
	}
}

// A ticker created inside a goroutine that stops it on one exit only.
func startSyncer(stop <-chan struct{}, sync func() error) {
	go func() {
		t := time.NewTicker(time.Minute) // want `ticker .t. is not stopped on every path`
		for {
			select {
			case <-stop:
				t.Stop()
				return
			case <-t.C:
				if err := sync(); err != nil {
					log.Println("sync failed:", err)
					return
				}
			}
		}
	}()
}

// A timer stopped on the result path; the cancellation path returns with it pending.
func callWithDeadline(ctx context.Context, call func() <-chan string) (string, error) {
	deadline := time.NewTimer(time.Minute) // want `timer .deadline. is not stopped on every path: the return on line 126`
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case v := <-call():
		deadline.Stop()
		return v, nil
	case <-deadline.C:
		return "", errors.New("deadline exceeded")
	}
}

// A labelled break leads to the Stop; the early return does not.
func tail(lines <-chan string, done <-chan struct{}, max int) []string {
	t := time.NewTicker(time.Second) // want `ticker .t. is not stopped on every path`
	var out []string
loop:
	for {
		select {
		case <-done:
			break loop
		case l := <-lines:
			out = append(out, l)
			if len(out) == max {
				return out
			}
		case <-t.C:
			log.Println("tail: waiting")
		}
	}
	t.Stop()
	return out
}
