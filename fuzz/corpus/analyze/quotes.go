package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"net/http"
	"time"
)

// slowQuote stands in for a call to an upstream pricing service.
func slowQuote(symbol string) (float64, error) {
	time.Sleep(time.Duration(rand.Intn(400)) * time.Millisecond)
	if symbol == "" {
		return 0, errors.New("empty symbol")
	}
	return 100 + rand.Float64(), nil
}

type quote struct {
	price float64
	err   error
}

// quoteHandler races the upstream call against a 200 ms budget. When the
// budget wins, the goroutine is left blocked on its send forever.
func quoteHandler(w http.ResponseWriter, r *http.Request) {
	result := make(chan quote)
	go func() {
		price, err := slowQuote(r.URL.Query().Get("symbol"))
		result <- quote{price, err} // LEAK: unreceived-send
	}()
	select {
	case q := <-result:
		writeQuote(w, q)
	case <-time.After(200 * time.Millisecond):
		http.Error(w, "upstream too slow", http.StatusGatewayTimeout)
	}
}

// quoteHandlerSafe is the same handler with room for the late answer.
func quoteHandlerSafe(w http.ResponseWriter, r *http.Request) {
	result := make(chan quote, 1)
	go func() {
		price, err := slowQuote(r.URL.Query().Get("symbol"))
		result <- quote{price, err}
	}()
	select {
	case q := <-result:
		writeQuote(w, q)
	case <-time.After(200 * time.Millisecond):
		http.Error(w, "upstream too slow", http.StatusGatewayTimeout)
	}
}

// quoteAll asks upstream in the background while it validates the symbol; a
// delisted symbol returns before anything is received.
func quoteAll(ctx context.Context, symbol string) (float64, error) {
	answer := make(chan float64)
	go func() {
		price, _ := slowQuote(symbol)
		answer <- price // LEAK: unreceived-send
	}()
	if symbol == "XXX" {
		return 0, fmt.Errorf("symbol %q is delisted", symbol)
	}
	select {
	case p := <-answer:
		return p, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// quoteAllSafe gives the sender a way out on the same context.
func quoteAllSafe(ctx context.Context, symbol string) (float64, error) {
	answer := make(chan float64)
	go func() {
		price, _ := slowQuote(symbol)
		select {
		case answer <- price:
		case <-ctx.Done():
		}
	}()
	if symbol == "XXX" {
		return 0, fmt.Errorf("symbol %q is delisted", symbol)
	}
	select {
	case p := <-answer:
		return p, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

func writeQuote(w http.ResponseWriter, q quote) {
	if q.err != nil {
		http.Error(w, q.err.Error(), http.StatusBadRequest)
		return
	}
	fmt.Fprintf(w, "%.2f\n", q.price)
}
