// Package modern is a go 1.23 module: an unreferenced ticker is collected, so
// time.Tick in a function that returns is fine.
package modern

import (
	"context"
	"time"
)

func waitForJob(done func() bool, every time.Duration) {
	for range time.Tick(every) {
		if done() {
			return
		}
	}
}

func pollStatus(ctx context.Context, interval time.Duration, check func() bool) error {
	for {
		select {
		case <-time.Tick(interval):
			if check() {
				return nil
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func settle() {
	<-time.Tick(50 * time.Millisecond)
}
