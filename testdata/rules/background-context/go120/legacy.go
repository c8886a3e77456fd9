package legacy

import (
	"context"
	"log"
	"net/http"
	"time"
)

func audit(ctx context.Context, path string) {
	if ctx.Err() == nil {
		log.Println(path)
	}
}

// Before Go 1.21 there is no context.WithoutCancel: only the request's context is offered.
func Get(w http.ResponseWriter, r *http.Request) {
	go audit(context.Background(), r.URL.Path) // want `goroutine gets context.Background\(\) while .r.Context\(\). is in scope`
	w.WriteHeader(http.StatusOK)
}

// A poller started with a caller's context, detached from it.
func Poll(ctx context.Context, paths []string) {
	for _, p := range paths {
		go audit(context.TODO(), p) // want `goroutine gets context.TODO\(\) while .ctx. is in scope`
		time.Sleep(time.Millisecond)
	}
}
