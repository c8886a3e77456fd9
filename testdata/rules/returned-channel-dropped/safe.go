package pricing

import (
	"context"
	"errors"
	"time"
)

// Await receives every time: the early return is on the error of the
// call itself, when no goroutine was started.
func (m *Monitor) Await(ctx context.Context, addr string) error {
	done, err := probe(ctx, addr)
	if err != nil {
		return err
	}
	return <-done
}

// Last hands the future to its own caller: who drains it is not known here.
func (p *Pricer) Last(ctx context.Context, symbol string) <-chan result {
	pending := p.fetchAsync(ctx, symbol)
	return pending
}

// First receives from the future directly.
func (p *Pricer) First(ctx context.Context, symbol string) (Quote, error) {
	r := <-p.fetchAsync(ctx, symbol)
	return r.quote, r.err
}

// Drained waits in a deferred receive, whatever path it leaves by.
func (p *Pricer) Drained(ctx context.Context, symbol string, open bool) error {
	pending := p.fetchAsync(ctx, symbol)
	defer func() { <-pending }()
	if !open {
		return errors.New("market closed")
	}
	return nil
}

// fetchPolite's goroutine gives up when the context ends, so a caller that
// leaves on ctx.Done() strands nothing.
func (p *Pricer) fetchPolite(ctx context.Context, symbol string) <-chan result {
	out := make(chan result)
	go func() {
		q, err := p.feed.Fetch(ctx, symbol)
		select {
		case out <- result{q, err}:
		case <-ctx.Done():
		}
	}()
	return out
}

func (p *Pricer) Polite(ctx context.Context, symbol string) (Quote, error) {
	select {
	case r := <-p.fetchPolite(ctx, symbol):
		return r.quote, r.err
	case <-ctx.Done():
		return Quote{}, ctx.Err()
	}
}

// PoliteBackground drops a channel whose goroutine does not block on it.
func (p *Pricer) PoliteBackground(ctx context.Context, symbol string) {
	p.fetchPolite(ctx, symbol)
}

// fetchBuffered's channel has room for its one value.
func (p *Pricer) fetchBuffered(ctx context.Context, symbol string) <-chan result {
	out := make(chan result, 1)
	go func() {
		q, err := p.feed.Fetch(ctx, symbol)
		out <- result{q, err}
	}()
	return out
}

func (p *Pricer) WarmBuffered(ctx context.Context, symbols []string) {
	for _, s := range symbols {
		p.fetchBuffered(ctx, s)
	}
}

// subscribe also keeps the channel in the registry, which others drain.
type registry struct {
	streams []chan Quote
}

func (r *registry) subscribe(symbol string) chan Quote {
	ch := make(chan Quote)
	r.streams = append(r.streams, ch)
	go func() { ch <- Quote{Symbol: symbol} }()
	return ch
}

func (r *registry) Touch(symbol string) {
	r.subscribe(symbol)
}

// restartAfter reports a cancellation only when Cancel is called: a caller
// that drops the channel strands nothing unless it also cancels.
type restarter struct {
	cancel chan struct{}
}

func (r *restarter) restartAfter(d time.Duration) <-chan error {
	ch := make(chan error)
	go func() {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-r.cancel:
			ch <- errors.New("restart canceled")
			close(ch)
		case <-t.C:
			close(ch)
		}
	}()
	return ch
}

func (r *restarter) Schedule() {
	r.restartAfter(time.Second)
}
