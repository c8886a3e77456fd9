package timetickleak

import (
	"context"
	"log"
	"time"
)

// Ends in a loop with no way out: the ticker lives as long as the function, by design.
func reportForever(report func()) {
	for range time.Tick(time.Minute) {
		report()
	}
}

// A long-lived goroutine with no way out.
func startRefresher(refresh func()) {
	go func() {
		for range time.Tick(30 * time.Second) {
			refresh()
		}
	}()
}

// An endless select loop over a local tick channel.
func pump(in <-chan string, out chan<- string) {
	flush := time.Tick(time.Second)
	var buf []string
	for {
		select {
		case s := <-in:
			buf = append(buf, s)
		case <-flush:
			for _, s := range buf {
				out <- s
			}
			buf = buf[:0]
		}
	}
}

// A labelled endless loop whose continue stays in it.
func scan(probe func() bool) {
outer:
	for range time.Tick(time.Second) {
		if !probe() {
			continue outer
		}
		log.Println("probe ok")
	}
}

// Parks forever after starting its ticker-driven goroutine.
func serveMetrics(emit func(time.Time)) {
	tick := time.Tick(10 * time.Second)
	go func() {
		for now := range tick {
			emit(now)
		}
	}()
	select {}
}

// Returned: the caller decides how long the channel is needed.
func clock(d time.Duration) <-chan time.Time {
	return time.Tick(d)
}

// Returned through a local.
func everySecond() <-chan time.Time {
	c := time.Tick(time.Second)
	return c
}

type scheduler struct {
	tick <-chan time.Time
}

// Stored in a field: the scheduler owns it.
func (s *scheduler) start(d time.Duration) {
	s.tick = time.Tick(d)
}

// Passed to a function that may keep it.
func runWith(d time.Duration, loop func(<-chan time.Time)) {
	loop(time.Tick(d))
}

// Captured by a goroutine that keeps using it after the function returns.
func startPinger(ping func()) {
	c := time.Tick(time.Second)
	go func() {
		for range c {
			ping()
		}
	}()
}

// A stoppable ticker: not this rule's business.
func pollStopped(ctx context.Context, check func() bool) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if check() {
				return
			}
		}
	}
}

type metronome struct{}

func (metronome) Tick(d time.Duration) <-chan struct{} { return make(chan struct{}) }

// A Tick method of another type.
func beat(m metronome) {
	<-m.Tick(time.Second)
}

// The function value, not a call.
func tickerFactory() func(time.Duration) <-chan time.Time {
	return time.Tick
}

// A one-shot wait with time.After: no ticker at all.
func settleAfter() {
	<-time.After(50 * time.Millisecond)
}
