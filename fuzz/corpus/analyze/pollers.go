package tickernotstopped

import (
	"context"
	"log"
	"time"
)

func check() bool { return false }

// Returns on ctx or success; the ticker keeps running either way.
func poll(ctx context.Context) {
	t := time.NewTicker(time.Second) // want `ticker .t. is never stopped: before Go 1.23`
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if check() {
				return
			}
		}
	}
}

// A ticker used only by the goroutine it feeds: stop it when that goroutine returns.
func startHeartbeat(ctx context.Context) {
	beat := time.NewTicker(5 * time.Second) // want `ticker .beat. is never stopped`
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-beat.C:
				log.Println("alive")
			}
		}
	}()
}

// A ticker created inside a goroutine.
func watch(ctx context.Context, stop <-chan struct{}) {
	go func() {
		refresh := time.NewTicker(time.Minute) // want `ticker .refresh. is never stopped`
		for {
			select {
			case <-stop:
				return
			case <-refresh.C:
				log.Println("refresh")
			}
		}
	}()
}

// A retry loop: a new ticker per attempt; the fix needs review.
func retry(attempts int) {
	for i := 0; i < attempts; i++ {
		backoff := time.NewTicker(time.Duration(i) * time.Millisecond) // want `ticker .backoff. is never stopped`
		<-backoff.C
		if check() {
			return
		}
	}
}

// var declaration form.
func sample(n int) int {
	var tick = time.NewTicker(10 * time.Millisecond) // want `ticker .tick. is never stopped`
	total := 0
	for i := 0; i < n; i++ {
		<-tick.C
		total++
	}
	return total
}

// A timer left pending on the early path.
func waitOrCancel(ctx context.Context) error {
	timer := time.NewTimer(time.Hour) // want `timer .timer. is never stopped`
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// A ticker only reset, never stopped.
func adaptive(ctx context.Context, next func() time.Duration) {
	t := time.NewTicker(time.Second) // want `ticker .t. is never stopped`
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			t.Reset(next())
		}
	}
}
