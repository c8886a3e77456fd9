package timetickleak

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"time"
)

type job struct{ id string }

func (j job) done() bool { return j.id == "" }

// Polls until the job finishes; the ticker outlives the call.
func waitForJob(j job, every time.Duration) {
	for range time.Tick(every) { // want `.time\.Tick. starts a ticker that is never stopped: .waitForJob. returns`
		if j.done() {
			return
		}
	}
}

// A ranged tick value and a break that leaves the loop.
func sampleLatency(samples int, probe func() time.Duration) []time.Duration {
	var out []time.Duration
	for now := range time.Tick(100 * time.Millisecond) { // want `.time\.Tick. starts a ticker that is never stopped`
		out = append(out, probe())
		log.Printf("sampled at %v", now)
		if len(out) == samples {
			break
		}
	}
	return out
}

// A new ticker per pass of the loop: one leaks every time ctx is not done yet.
func pollStatus(ctx context.Context, interval time.Duration, check func() bool) error {
	for {
		select {
		case <-time.Tick(interval): // want `.time\.Tick. in a loop starts a new ticker on every iteration`
			if check() {
				return nil
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// The tick channel held in a local that is only received from.
func heartbeat(ctx context.Context, send func() error) error {
	beats := time.Tick(5 * time.Second) // want `.time\.Tick. starts a ticker that is never stopped`
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-beats:
			if err := send(); err != nil {
				return err
			}
		}
	}
}

// var declaration form.
func drainQueue(queue <-chan string, limit int) int {
	var flush = time.Tick(time.Second) // want `.time\.Tick. starts a ticker that is never stopped`
	n := 0
	for n < limit {
		select {
		case item := <-queue:
			log.Println(item)
			n++
		case <-flush:
			log.Println("flush")
		}
	}
	return n
}

// A one-off wait written with time.Tick instead of time.Sleep or time.After.
func settle() {
	<-time.Tick(50 * time.Millisecond) // want `.time\.Tick. starts a ticker that is never stopped: .settle. returns`
}

// A timeout written with time.Tick: evaluated once, but the ticker never stops.
func firstResult(results <-chan string, timeout time.Duration) (string, error) {
	select {
	case r := <-results:
		return r, nil
	case <-time.Tick(timeout): // want `.time\.Tick. starts a ticker that is never stopped: .firstResult. returns`
		return "", errors.New("timed out")
	}
}

// A goroutine that stops on its own: its ticker stays behind.
func watchUntil(stop func() bool, refresh func()) {
	go func() {
		for range time.Tick(time.Minute) { // want `starts a ticker that is never stopped: the function literal returns`
			if stop() {
				return
			}
			refresh()
		}
	}()
}

// A streaming handler: every request that ends leaves a ticker behind.
func streamClock(w http.ResponseWriter, r *http.Request) {
	for now := range time.Tick(time.Second) { // want `.streamClock. returns`
		if _, err := fmt.Fprintln(w, now.Format(time.RFC3339)); err != nil {
			return
		}
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
	}
}

// A labelled loop left with a labelled break.
func collect(events <-chan string, done <-chan struct{}) []string {
	var seen []string
loop:
	for range time.Tick(10 * time.Millisecond) { // want `starts a ticker that is never stopped`
		select {
		case e := <-events:
			seen = append(seen, e)
		case <-done:
			break loop
		default:
		}
	}
	return seen
}

// Backoff steps that change every pass: no fix can hoist the ticker.
func retryWithBackoff(steps []time.Duration, try func() error) error {
	var err error
	for _, step := range steps {
		if err = try(); err == nil {
			return nil
		}
		<-time.Tick(step) // want `in a loop starts a new ticker on every iteration`
	}
	return err
}

type watcher struct {
	interval time.Duration
	reload   func() error
}

// A method whose tick channel lives in a local.
func (w *watcher) run(ctx context.Context) error {
	tick := time.Tick(w.interval) // want `.run. returns`
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick:
			if err := w.reload(); err != nil {
				return err
			}
		}
	}
}

// A local tick channel made on every pass: the fix needs review.
func throttle(items []string, every time.Duration) {
	for _, it := range items {
		gate := time.Tick(every) // want `in a loop starts a new ticker on every iteration`
		<-gate
		log.Println(it)
	}
}

type config struct{ interval time.Duration }

func (c config) pollInterval() time.Duration { return c.interval }

// The interval comes from a call: moving its evaluation needs review.
func waitOnce(cfg config, ready <-chan struct{}) bool {
	select {
	case <-ready:
		return true
	case <-time.Tick(cfg.pollInterval()): // want `.waitOnce. returns`
		return false
	}
}

// A stock-quote poller: `ticker` already names the symbol, so the fix picks another name.
func watchQuote(ticker string, quote func(string) float64, limit float64) float64 {
	for range time.Tick(time.Second) { // want `.watchQuote. returns`
		if p := quote(ticker); p > limit {
			return p
		}
	}
	return 0
}

// Two tick channels in one function get two names.
func dualRate(fast, slow time.Duration, stop <-chan struct{}) {
	fastC := time.Tick(fast) // want `.dualRate. returns`
	slowC := time.Tick(slow) // want `.dualRate. returns`
	for {
		select {
		case <-fastC:
			log.Println("fast")
		case <-slowC:
			log.Println("slow")
		case <-stop:
			return
		}
	}
}

// A worker that never returns still leaks: every job starts another ticker.
func startReporter(jobs <-chan job, report func()) {
	go func() {
		for {
			select {
			case j := <-jobs:
				log.Println("job", j.id)
			case <-time.Tick(time.Minute): // want `in a loop starts a new ticker on every iteration`
				report()
			}
		}
	}()
}
