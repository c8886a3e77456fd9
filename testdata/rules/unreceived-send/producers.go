package unreceivedsend

import (
	"context"
	"errors"
	"strings"
)

type stream struct {
	done chan struct{}
}

// Close ends every forward in progress.
func (s *stream) Close() { close(s.done) }

// A producer looping over items while the consumer can stop on the stream's done channel.
func (s *stream) forward(items []string) []string {
	out := make(chan string)
	go func() {
		defer close(out)
		for _, it := range items {
			out <- strings.ToUpper(it) // want `.forward. can return without receiving`
		}
	}()
	var got []string
	for {
		select {
		case v, ok := <-out:
			if !ok {
				return got
			}
			got = append(got, v)
		case <-s.done:
			return got
		}
	}
}

// The done channel comes from the caller: nothing here shows it is closed rather than sent on.
func pages(done <-chan struct{}, urls []string) []string {
	bodies := make(chan string)
	go func() {
		defer close(bodies)
		for _, u := range urls {
			bodies <- fetch(u) // want `.pages. can return without receiving`
		}
	}()
	var out []string
	for {
		select {
		case b, ok := <-bodies:
			if !ok {
				return out
			}
			out = append(out, b)
		case <-done:
			return out
		}
	}
}

// GFix strategy III with ctx: the producer stops when the consumer's context ends.
func lines(ctx context.Context, text string) int {
	ch := make(chan string)
	go func() {
		defer close(ch)
		for _, l := range strings.Split(text, "\n") {
			ch <- l // want `.lines. can return without receiving`
		}
	}()
	n := 0
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return n
			}
			n++
		case <-ctx.Done():
			return n
		}
	}
}

// Ranging over the producer's channel and returning on a match.
func contains(items []string, want string) bool {
	matches := make(chan string)
	go func() {
		defer close(matches)
		for _, it := range items {
			if strings.Contains(it, want) {
				matches <- it // want `.contains. can stop receiving while values are still being sent`
			}
		}
	}()
	for range matches {
		return true
	}
	return false
}

// reportStatus must send exactly one status; the error path forgets to return.
func reportStatus(status chan<- error, err error) {
	if err != nil {
		status <- err
	}
	status <- nil // want `goroutine may block forever sending on .status. a second time: the send on line 105 does not return and .runStep. receives only once \(line 114\)`
}

// LeakProf "double send", through a helper the goroutine calls.
func runStep(step func() error) error {
	status := make(chan error)
	go func() { reportStatus(status, step()) }()
	return <-status
}

type config struct{ name string }

// A double send in the goroutine itself: a buffer of one lets it finish.
func validateAsync(cfg config) error {
	result := make(chan error)
	go func() {
		if cfg.name == "" {
			result <- errors.New("missing name")
		}
		result <- nil // want `sending on .result. a second time`
	}()
	return <-result
}
