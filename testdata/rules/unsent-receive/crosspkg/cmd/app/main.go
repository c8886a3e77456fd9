// Command app hands channels to goroutines of another package.
package main

import (
	"context"

	"example.com/fixtures/crosspkg/audit"
)

func record(id string) {
	go audit.Await(id, make(chan struct{})) // want `goroutine .audit.Await. blocks forever: it receives from .ready., a fresh channel nobody else holds`
}

func recordOrCancel(ctx context.Context, id string) {
	go audit.AwaitOrCancel(ctx, id, make(chan struct{}))
}

func recordAndSignal(id string) {
	ready := make(chan struct{})
	go audit.Await(id, ready)
	audit.Signal(ready)
}

func signalFresh() {
	go audit.Signal(make(chan struct{}))
}

func main() {
	record("a")
	recordOrCancel(context.Background(), "b")
	recordAndSignal("c")
	signalFresh()
}
