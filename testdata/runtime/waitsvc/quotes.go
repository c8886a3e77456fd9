package main

import (
	"errors"
	"time"
)

var errQuoteTimeout = errors.New("quote: upstream too slow")

// QuoteClient asks a slow upstream for prices and gives up after timeout.
type QuoteClient struct {
	timeout  time.Duration
	upstream func(symbol string) (float64, error)
}

type quoteResult struct {
	price float64
	err   error
}

// Quote returns the upstream's price, or errQuoteTimeout when it is too slow.
// When it gives up, the fetching goroutine stays blocked on its send.
func (c *QuoteClient) Quote(symbol string) (float64, error) {
	result := make(chan quoteResult) // mark:quote-make
	go func() {
		price, err := c.upstream(symbol)
		result <- quoteResult{price, err} // mark:quote-send
	}()
	select {
	case r := <-result: // mark:quote-receive
		return r.price, r.err
	case <-time.After(c.timeout): // mark:quote-timeout
		return 0, errQuoteTimeout
	}
}

func slowUpstream(symbol string) (float64, error) {
	time.Sleep(250 * time.Millisecond)
	return float64(len(symbol)), nil
}
