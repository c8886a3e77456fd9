package pricing

import (
	"context"
	"errors"
	"log"
)

type Quote struct {
	Symbol string
	Price  float64
}

type Feed interface {
	Fetch(ctx context.Context, symbol string) (Quote, error)
}

type result struct {
	quote Quote
	err   error
}

// Pricer asks a slow feed for quotes; fetchAsync hands back a future that
// its goroutine fills once.
type Pricer struct {
	feed Feed
	last map[string]Quote
}

func (p *Pricer) fetchAsync(ctx context.Context, symbol string) <-chan result {
	out := make(chan result)
	go func() {
		q, err := p.feed.Fetch(ctx, symbol)
		out <- result{q, err}
	}()
	return out
}

// Warm starts fetches to fill the feed's own cache and forgets them.
func (p *Pricer) Warm(ctx context.Context, symbols []string) {
	for _, s := range symbols {
		p.fetchAsync(ctx, s) // want `.Pricer.fetchAsync. returns a channel that the goroutine it starts sends on; this call drops its results`
	}
}

// Quote waits for the feed, but gives up on the caller's deadline.
func (p *Pricer) Quote(ctx context.Context, symbol string) (Quote, error) {
	pending := p.fetchAsync(ctx, symbol) // want `.Pricer.Quote. can return without receiving from .pending. \(on .<-ctx.Done\(\).\)`
	select {
	case r := <-pending:
		return r.quote, r.err
	case <-ctx.Done():
		return Quote{}, ctx.Err()
	}
}

// Refresh leaves on a closed market before it looks at the answer.
func (p *Pricer) Refresh(ctx context.Context, symbol string, open bool) error {
	pending := p.fetchAsync(ctx, symbol) // want `.Pricer.Refresh. can return without receiving from .pending. \(an early return before the receive\)`
	if !open {
		return errors.New("market closed")
	}
	r := <-pending
	if r.err != nil {
		return r.err
	}
	p.last[symbol] = r.quote
	return nil
}

// Audit only logs that it asked.
func (p *Pricer) Audit(ctx context.Context, symbol string) {
	pending := p.fetchAsync(ctx, symbol) // want `.Pricer.Audit. never receives from .pending., the channel .Pricer.fetchAsync. returns`
	log.Printf("audit of %s requested (%v)", symbol, pending != nil)
}
