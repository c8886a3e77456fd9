package main

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"sync"
	"time"
)

type inventory struct {
	mu     sync.Mutex
	prices map[string]float64
}

func newInventory() *inventory {
	return &inventory{prices: map[string]float64{"ACME": 100}}
}

// pollPrices refreshes prices until ctx ends, but never stops its ticker.
func pollPrices(ctx context.Context, inv *inventory) {
	tick := time.NewTicker(time.Second) // LEAK: ticker-not-stopped
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			inv.refresh()
		}
	}
}

// pollPricesSafely is the same poller with its ticker stopped on return.
func pollPricesSafely(ctx context.Context, inv *inventory) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			inv.refresh()
		}
	}
}

func (inv *inventory) refresh() {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	for symbol := range inv.prices {
		inv.prices[symbol] *= 1.001
	}
}

// stockHandler waits for a restock signal for at most a second, using a timer
// that the early return leaves pending.
func (inv *inventory) stockHandler(w http.ResponseWriter, r *http.Request) {
	restocked := make(chan struct{}, 1)
	go func() {
		inv.refresh()
		restocked <- struct{}{}
	}()
	wait := time.NewTimer(time.Second) // LEAK: ticker-not-stopped
	select {
	case <-restocked:
		fmt.Fprintln(w, "restocked")
	case <-wait.C:
		log.Println("restock timed out")
		http.Error(w, "try again", http.StatusServiceUnavailable)
	case <-r.Context().Done():
	}
}
