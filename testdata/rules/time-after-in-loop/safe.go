package timeafterinloop

import (
	"context"
	"errors"
	"log"
	"time"
)

// A single timeout outside any loop: the timer is abandoned at most once per call.
func fetchOnce(results <-chan string, d time.Duration) (string, error) {
	select {
	case r := <-results:
		return r, nil
	case <-time.After(d):
		return "", errors.New("timeout")
	}
}

// A sleep written with time.After: the timer always fires.
func pace(items []string, d time.Duration) {
	for _, it := range items {
		log.Println(it)
		<-time.After(d)
	}
}

// Every other case leaves the loop: at most one timer is abandoned per call.
func firstOrTimeout(in <-chan int, d time.Duration) (int, error) {
	for {
		select {
		case v := <-in:
			return v, nil
		case <-time.After(d):
			log.Println("still waiting")
		}
	}
}

// One deadline for the whole loop.
func collectUntil(in <-chan int, d time.Duration) []int {
	var out []int
	deadline := time.After(d)
	for {
		select {
		case v := <-in:
			out = append(out, v)
		case <-deadline:
			return out
		}
	}
}

// The fixed shape: one timer, stopped, drained and reset.
func consumeWithTimer(events <-chan event, idle time.Duration) {
	timer := time.NewTimer(idle)
	defer timer.Stop()
	for {
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(idle)
		select {
		case e := <-events:
			handle(e)
		case <-timer.C:
			return
		}
	}
}

// Only the timer case: nothing else can win.
func tickByHand(n int, d time.Duration) {
	for i := 0; i < n; i++ {
		select {
		case <-time.After(d):
			log.Println(i)
		}
	}
}

// The other cases leave through a labelled break or a return.
func untilDone(done <-chan struct{}, in <-chan int, d time.Duration) {
loop:
	for {
		select {
		case <-done:
			break loop
		case v := <-in:
			log.Println(v)
			return
		case <-time.After(d):
			log.Println("tick")
		}
	}
	log.Println("done")
}

// Each goroutine waits once: the loop only starts them.
func fanOut(urls []string, d time.Duration, fetch func(string) string) {
	for _, u := range urls {
		go func(u string) {
			res := make(chan string, 1)
			go func() { res <- fetch(u) }()
			select {
			case r := <-res:
				log.Println(r)
			case <-time.After(d):
				log.Println("timeout", u)
			}
		}(u)
	}
}

type clock interface {
	After(d time.Duration) <-chan time.Time
}

// A fake clock's After: not the time package.
func waitOn(c clock, in <-chan int, d time.Duration) {
	for {
		select {
		case <-in:
		case <-c.After(d):
			return
		}
	}
}

// time.AfterFunc is a different API.
func schedule(tasks []func(), d time.Duration) {
	for _, t := range tasks {
		timer := time.AfterFunc(d, t)
		defer timer.Stop()
	}
}

// A default case that returns: the loop never comes round with a pending timer.
func tryOnce(in <-chan int, d time.Duration) int {
	for {
		select {
		case v := <-in:
			return v
		case <-time.After(d):
			log.Println("slow")
		default:
			return -1
		}
	}
}

// A context deadline instead of a timer.
func consumeCtx(ctx context.Context, in <-chan event) {
	for {
		select {
		case e := <-in:
			handle(e)
		case <-ctx.Done():
			return
		}
	}
}

// A fixed number of passes: at most two timers are abandoned per call.
func awaitBoth(errc <-chan error, d time.Duration) error {
	for i := 0; i < 2; i++ {
		select {
		case err := <-errc:
			if err != nil {
				return err
			}
		case <-time.After(d):
			return errors.New("timeout")
		}
	}
	return nil
}
