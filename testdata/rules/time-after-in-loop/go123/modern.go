// Package modern is a go 1.23 module: an abandoned timer is collected before it
// fires, so time.After in a loop leaks nothing.
package modern

import (
	"context"
	"log"
	"time"
)

func consume(events <-chan string, idle time.Duration) {
	for {
		select {
		case e := <-events:
			log.Println(e)
		case <-time.After(idle):
			return
		}
	}
}

func watchdog(ctx context.Context, beats <-chan struct{}) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-beats:
		case <-time.After(5 * time.Second):
			log.Println("no heartbeat for 5s")
		}
	}
}
