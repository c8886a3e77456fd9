// Package audit waits for records to be ready.
package audit

import (
	"context"
	"log"
)

// Await logs id once ready is closed or signalled.
func Await(id string, ready chan struct{}) {
	<-ready
	log.Println("ready", id)
}

// AwaitOrCancel also gives up when ctx ends.
func AwaitOrCancel(ctx context.Context, id string, ready chan struct{}) {
	select {
	case <-ready:
		log.Println("ready", id)
	case <-ctx.Done():
	}
}

// Signal closes ready for the caller.
func Signal(ready chan struct{}) {
	close(ready)
}
