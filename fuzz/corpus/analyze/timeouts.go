package unreceivedsend

import (
	"context"
	"errors"
	"net/http"
	"time"
)

func fetch(url string) string { return url }

// The classic: the caller gives up after a timeout and the sender blocks forever.
func fetchWithTimeout(url string) (string, error) {
	result := make(chan string)
	go func() {
		result <- fetch(url) // want `goroutine may block forever sending on .result.: .fetchWithTimeout. can return without receiving`
	}()
	select {
	case body := <-result:
		return body, nil
	case <-time.After(2 * time.Second):
		return "", errors.New("timeout")
	}
}

// Racing the request's context: both fixes apply, and the ctx one is sound
// because the receiver gives up on that same context.
func fetchWithContext(ctx context.Context, url string) (string, error) {
	result := make(chan string)
	go func() {
		result <- fetch(url) // want `may block forever sending on .result.`
	}()
	select {
	case body := <-result:
		return body, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// An HTTP handler whose work outlives a client that hung up.
func handleReport(w http.ResponseWriter, r *http.Request) {
	report := make(chan []byte)
	go func() {
		data := []byte(fetch(r.URL.Path))
		report <- data // want `may block forever sending on .report.`
	}()
	select {
	case data := <-report:
		_, _ = w.Write(data)
	case <-r.Context().Done():
		http.Error(w, "client went away", http.StatusRequestTimeout)
	}
}

// A non-blocking receive: if the value is not ready yet, the caller moves on.
func peekStatus() string {
	status := make(chan string)
	go func() {
		status <- fetch("/status") // want `may block forever sending on .status.`
	}()
	select {
	case s := <-status:
		return s
	default:
		return "unknown"
	}
}

// An error channel that wins the race returns early.
func firstOf(ctx context.Context, errc <-chan error) (int, error) {
	values := make(chan int)
	go func() {
		v := len(fetch("/count"))
		values <- v // want `may block forever sending on .values.`
	}()
	select {
	case v := <-values:
		return v, nil
	case err := <-errc:
		return 0, err
	}
}

// A labelled break leaves the receive loop for good.
func collectUntilQuiet(quiet <-chan struct{}) []string {
	lines := make(chan string)
	go func() {
		lines <- fetch("/line") // want `may block forever sending on .lines.`
	}()
	var out []string
loop:
	for {
		select {
		case l := <-lines:
			out = append(out, l)
		case <-quiet:
			break loop
		}
	}
	return out
}
