// Command leaky-service is a small HTTP service with goroutine leaks seeded on
// purpose, each beside a safe twin. Each seeded leak carries a LEAK comment
// naming the rule leakls must report for it; nothing else may be reported.
package main

import (
	"context"
	"log"
	"net/http"
	_ "net/http/pprof"
	"time"
)

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	inventory := newInventory()
	go pollPrices(ctx, inventory)
	go pollPricesSafely(ctx, inventory)

	mux := http.NewServeMux()
	mux.HandleFunc("/quote", quoteHandler)
	mux.HandleFunc("/quote-safe", quoteHandlerSafe)
	mux.HandleFunc("/stock", inventory.stockHandler)
	mux.Handle("/debug/pprof/", http.DefaultServeMux)
	server := &http.Server{Addr: "127.0.0.1:6060", Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	log.Fatal(server.ListenAndServe())
}
