package lostcancel

import (
	"context"
	"errors"
	"log"
	"net/http"
	"time"
)

var errTimeout = errors.New("timed out")

// An early return before the deferred cancel.
func (s *Store) Migrate(ctx context.Context, steps []string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute) // want `.cancel. from context.WithTimeout is not called on every path: the return on line 17 skips it`
	if len(steps) == 0 {
		return errors.New("no steps")
	}
	defer cancel()
	for _, step := range steps {
		if _, err := s.db.ExecContext(ctx, step); err != nil {
			return err
		}
	}
	return nil
}

// The context and cancel go to the caller on success; the error path loses them.
func dialContext(parent context.Context, addr string) (context.Context, context.CancelFunc, error) {
	ctx, cancel := context.WithTimeout(parent, 5*time.Second) // want `.cancel. from context.WithTimeout is not called on every path`
	if addr == "" {
		return nil, nil, errors.New("empty address")
	}
	return ctx, cancel, nil
}

// `continue` skips the cancel of this iteration.
func countAlive(ctx context.Context, urls []string) int {
	alive := 0
	for _, u := range urls {
		ctx, cancel := context.WithTimeout(ctx, time.Second) // want `the continue on line 44 skips it`
		req, err := http.NewRequestWithContext(ctx, http.MethodHead, u, nil)
		if err != nil {
			continue
		}
		resp, err := http.DefaultClient.Do(req)
		cancel()
		if err == nil {
			resp.Body.Close()
			alive++
		}
	}
	return alive
}

// A switch case that returns without cancelling.
func (s *Store) Apply(ctx context.Context, mode string, stmts []string) error {
	ctx, cancel := context.WithCancel(ctx) // want `the return on line 61 skips it`
	switch mode {
	case "dry-run":
		return nil
	case "apply":
		for _, q := range stmts {
			if _, err := s.db.ExecContext(ctx, q); err != nil {
				cancel()
				return err
			}
		}
	}
	cancel()
	return nil
}

// A select that gives up waiting.
func (s *Store) AwaitReady(ctx context.Context, ready <-chan struct{}, wait time.Duration) error {
	ctx, cancel := context.WithCancel(ctx) // want `not called on every path: the return on line 80 skips it`
	select {
	case <-ready:
	case <-time.After(wait):
		return errTimeout
	}
	defer cancel()
	return s.db.PingContext(ctx)
}

type Prober struct {
	timeout time.Duration
	ping    func(context.Context) error
	down    bool
}

// Cancelled only when the ping fails; the function then falls off its end.
func (p *Prober) probe(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, p.timeout) // want `the end of the function on line 99 skips it`
	if err := p.ping(ctx); err != nil {
		cancel()
		p.down = true
	}
}

// A polling loop whose timeout case returns without cancelling.
func waitHealthy(ctx context.Context, check func(context.Context) bool) bool {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second) // want `the return on line 109 skips it`
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return false
		case <-tick.C:
			if check(ctx) {
				cancel()
				return true
			}
		}
	}
}

// Leaving the case body drops a context that was only cancelled on success.
func (s *Store) Serve(ctx context.Context, jobs <-chan string) {
	for {
		select {
		case <-ctx.Done():
			return
		case q := <-jobs:
			jobCtx, cancel := context.WithTimeout(ctx, 10*time.Second) // want `the break on line [0-9]+ skips it`
			if _, err := s.db.ExecContext(jobCtx, q); err != nil {
				log.Printf("job failed: %v", err)
				break
			}
			cancel()
		}
	}
}
