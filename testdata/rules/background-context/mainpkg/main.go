// Package main: main and init have no context to pass on.
package main

import (
	"context"
	"log"
	"net/http"
	"time"
)

func worker(ctx context.Context) {
	<-ctx.Done()
}

func init() {
	go worker(context.Background())
}

func main() {
	go worker(context.Background())
	// A handler literal has a request in scope, even inside main.
	http.HandleFunc("/hook", func(w http.ResponseWriter, r *http.Request) {
		go worker(context.Background()) // want `goroutine gets context.Background\(\) while .r.Context\(\). is in scope`
		w.WriteHeader(http.StatusAccepted)
	})
	srv := &http.Server{Addr: ":8080", ReadHeaderTimeout: time.Second}
	log.Fatal(srv.ListenAndServe())
}
