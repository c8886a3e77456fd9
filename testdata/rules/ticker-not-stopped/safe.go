package tickernotstopped

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"time"
)

// Stopped with defer.
func pollStopped(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Stopped by the goroutine that owns it.
func heartbeatStopped(ctx context.Context) {
	beat := time.NewTicker(time.Second)
	go func() {
		defer beat.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-beat.C:
				log.Println("alive")
			}
		}
	}()
}

// Returned: the caller owns it.
func newClock(d time.Duration) *time.Ticker {
	t := time.NewTicker(d)
	return t
}

type scheduler struct {
	ticker *time.Ticker
	stops  []func()
}

// Stored in a field: stopped by another method.
func (s *scheduler) start(d time.Duration) {
	t := time.NewTicker(d)
	s.ticker = t
}

func (s *scheduler) close() { s.ticker.Stop() }

// Handed over as a method value.
func (s *scheduler) register(d time.Duration) {
	t := time.NewTicker(d)
	s.stops = append(s.stops, t.Stop)
	go func() {
		for range t.C {
			log.Println("tick")
		}
	}()
}

// Passed to a function that takes ownership.
func adopt(run func(*time.Ticker)) {
	t := time.NewTicker(time.Second)
	run(t)
}

// A function that never returns keeps its ticker on purpose.
func reportForever() {
	t := time.NewTicker(time.Minute)
	for {
		<-t.C
		log.Println("report")
	}
}

// Stopped at the end with no early return: every path reaches the Stop.
func stoppedExplicitly(n int) {
	t := time.NewTicker(time.Millisecond)
	for i := 0; i < n; i++ {
		<-t.C
	}
	t.Stop()
}

// Sent to a channel: the receiver owns it.
func handOver(out chan<- *time.Ticker) {
	t := time.NewTicker(time.Second)
	out <- t
}

// Only a timer that is stopped.
func timerStopped(ctx context.Context) error {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// A heartbeat for the rest of the process: the goroutine loops on the ticker
// until the process exits, so the ticker is in use for as long as it lives.
// Whether that loop should end is loop-without-exit's question.
func heartbeatUntilExit(w io.Writer, every time.Duration) {
	beat := time.NewTicker(every)
	go func() {
		for range beat.C {
			if _, err := fmt.Fprintln(w, "ok"); err != nil {
				os.Exit(1)
			}
		}
	}()
}

// The same with a loop that waits in a select.
func watchUntilExit(events <-chan string, every time.Duration) {
	flush := time.NewTicker(every)
	go func() {
		for {
			select {
			case e := <-events:
				log.Println(e)
			case <-flush.C:
				log.Println("flush")
			}
		}
	}()
}
