package timeafterinloop

import (
	"context"
	"errors"
	"log"
	"net/http"
	"time"
)

type event struct{ name string }

func handle(e event) { log.Println(e.name) }

// An idle timeout: every event abandons the pending timer.
func consume(events <-chan event, idle time.Duration) {
	for {
		select {
		case e := <-events:
			handle(e)
		case <-time.After(idle): // want `.time\.After. in a loop starts a timer on every pass: when another case wins, the timer stays in memory for .idle.`
			return
		}
	}
}

// The timeout case only logs; cancellation ends the loop.
func watchdog(ctx context.Context, beats <-chan struct{}) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-beats:
		case <-time.After(5 * time.Second): // want `.time\.After. in a loop`
			log.Println("no heartbeat for 5s")
		}
	}
}

// A range loop that forwards with a send timeout.
func forward(in <-chan []byte, out chan<- []byte, timeout time.Duration) int {
	dropped := 0
	for msg := range in {
		select {
		case out <- msg:
		case <-time.After(timeout): // want `.time\.After. in a loop`
			dropped++
		}
	}
	return dropped
}

// A bounded retry loop waiting for replies.
func awaitAck(replies <-chan bool, attempts int, resend func()) error {
	for i := 0; i < attempts; i++ {
		select {
		case ok := <-replies:
			if ok {
				return nil
			}
		case <-time.After(200 * time.Millisecond): // want `.time\.After. in a loop`
			resend()
		}
	}
	return errors.New("no ack")
}

// A labelled loop that the timeout leaves.
func batch(items <-chan string, size int, linger time.Duration) []string {
	var out []string
loop:
	for len(out) < size {
		select {
		case it := <-items:
			out = append(out, it)
		case <-time.After(linger): // want `.time\.After. in a loop`
			break loop
		}
	}
	return out
}

// The timer's value is used.
func lastSeen(pings <-chan string, quiet time.Duration, stop <-chan struct{}) {
	for {
		select {
		case p := <-pings:
			log.Println("ping from", p)
		case at := <-time.After(quiet): // want `.time\.After. in a loop`
			log.Println("quiet since", at)
		case <-stop:
			return
		}
	}
}

// A worker goroutine with an idle timeout.
func startWorker(jobs <-chan func(), idle time.Duration) {
	go func() {
		for {
			select {
			case job := <-jobs:
				job()
			case <-time.After(idle): // want `.time\.After. in a loop`
				return
			}
		}
	}()
}

// A long-poll handler sending keep-alives.
func events(w http.ResponseWriter, r *http.Request, sub <-chan string) {
	for {
		select {
		case ev := <-sub:
			_, _ = w.Write([]byte(ev + "\n"))
		case <-time.After(30 * time.Second): // want `.time\.After. in a loop`
			_, _ = w.Write([]byte(": keep-alive\n"))
		case <-r.Context().Done():
			return
		}
	}
}

// A select under a condition inside the loop.
func maybeWait(ctx context.Context, in <-chan int, patient bool, d time.Duration) int {
	sum := 0
	for {
		if patient {
			select {
			case v := <-in:
				sum += v
			case <-time.After(d): // want `.time\.After. in a loop`
				return sum
			}
		} else if ctx.Err() != nil {
			return sum
		}
	}
}

// A backoff that grows every pass: one timer cannot be hoisted with a fixed duration.
func reconnect(dial func() error, closed, kick <-chan struct{}) {
	backoff := 100 * time.Millisecond
	for {
		if dial() == nil {
			return
		}
		select {
		case <-closed:
			return
		case <-kick:
			log.Println("reconnect requested")
		case <-time.After(backoff): // want `.time\.After. in a loop`
			backoff *= 2
		}
	}
}

// Nested loops: a timer per outer pass would pile up deferred Stops, so no fix.
func drainAll(queues []chan string, wait time.Duration) {
	for _, q := range queues {
		for {
			select {
			case s := <-q:
				log.Println(s)
			case <-time.After(wait): // want `.time\.After. in a loop`
				log.Println("queue idle")
			}
			if len(q) == 0 {
				break
			}
		}
	}
}

type settings struct{ d time.Duration }

func (s settings) timeout() time.Duration { return s.d }

// The duration comes from a call: evaluating it twice is not the same.
func serve(reqs <-chan string, cfg settings) {
	for {
		select {
		case r := <-reqs:
			log.Println(r)
		case <-time.After(cfg.timeout()): // want `.time\.After. in a loop`
			return
		}
	}
}

// A default case makes the loop spin, abandoning a timer each pass.
func spinWait(ready func() bool, d time.Duration) {
	for !ready() {
		select {
		case <-time.After(d): // want `.time\.After. in a loop`
			log.Println("waited")
		default:
		}
	}
}

// The function already uses the name `timer`.
func relay(timer string, in <-chan string, d time.Duration) {
	for {
		select {
		case s := <-in:
			log.Println(timer, s)
		case <-time.After(d): // want `.time\.After. in a loop`
			return
		}
	}
}
