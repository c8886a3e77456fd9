package backgroundcontext

import (
	"context"
	"log"
	"net/http"
)

func notify(ctx context.Context, user string) {
	if ctx.Err() == nil {
		log.Println("notify", user)
	}
}

// This file does not import "time": the detaching fix adds it.
func Subscribe(w http.ResponseWriter, r *http.Request) {
	user := r.FormValue("user")
	go notify(context.Background(), user) // want `goroutine gets context.Background\(\) while .r.Context\(\). is in scope`
	w.WriteHeader(http.StatusNoContent)
}
