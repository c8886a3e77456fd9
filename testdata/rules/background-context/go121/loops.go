package loops

import (
	"context"
	"log"
	"net/http"
	"time"
)

func warm(ctx context.Context, key string) {
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Millisecond):
		log.Println("warmed", key)
	}
}

// Before Go 1.22 the loop variable is shared by iterations: moving `go warm(..., key)`
// into a closure would read it late, so only the request's context is offered.
func WarmAll(w http.ResponseWriter, r *http.Request) {
	for _, key := range r.URL.Query()["key"] {
		go warm(context.Background(), key) // want `goroutine gets context.Background\(\) while .r.Context\(\). is in scope`
	}
	w.WriteHeader(http.StatusAccepted)
}

// A value that stays put can be detached with context.WithoutCancel since Go 1.21.
func WarmOne(w http.ResponseWriter, r *http.Request) {
	key := r.URL.Query().Get("key")
	go warm(context.TODO(), key) // want `goroutine gets context.TODO\(\) while .r.Context\(\). is in scope`
	w.WriteHeader(http.StatusAccepted)
}
