// Package modern is a go 1.23 module: unstopped timers are collected, and so is
// a ticker nothing references once its function returns (a hint, for clarity);
// a ticker a goroutine keeps using is still reported.
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
	t := time.NewTicker(time.Second) // want `ticker .t. is never stopped: since Go 1.23 it is collected once the function returns, so stop it for clarity`
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// The refresher's goroutine holds the ticker for as long as it runs.
func startRefresher(ctx context.Context, refresh func()) {
	t := time.NewTicker(time.Minute) // want `ticker .t. is never stopped: a goroutine keeps it referenced`
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				refresh()
			}
		}
	}()
}
