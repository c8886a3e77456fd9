// Package modern is a go 1.23 module: unstopped timers are collected, so only
// the ticker is reported.
package modern

import (
	"context"
	"time"
)

func waitOrCancel(ctx context.Context) error {
	timer := time.NewTimer(time.Hour)
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func poll(ctx context.Context) {
	t := time.NewTicker(time.Second) // want `ticker .t. is never stopped: it keeps firing`
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
