// Command loop-without-exit feeds events to a consumer goroutine that loops
// forever, although it was handed a context to stop by.
package main

import (
	"context"
	"os"
	"runtime/pprof"
	"sync/atomic"
	"time"
)

var total atomic.Int64

func consume(ctx context.Context, events <-chan int) {
	for {
		e := <-events
		total.Add(int64(e))
	}
}

func replay(parent context.Context, events []int) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	ch := make(chan int)
	go consume(ctx, ch)
	for _, e := range events {
		ch <- e
	}
}

func main() {
	for range 3 {
		replay(context.Background(), []int{1, 2, 3})
	}
	time.Sleep(100 * time.Millisecond) // the consumers wait for the next event
	writeProfiles()
}

// writeProfiles prints the goroutineleak profile (the goroutines the garbage
// collector proved can never run again) on stdout and the goroutine profile
// (every live goroutine) on stderr.
func writeProfiles() {
	if err := pprof.Lookup("goroutineleak").WriteTo(os.Stdout, 1); err != nil {
		panic(err)
	}
	if err := pprof.Lookup("goroutine").WriteTo(os.Stderr, 1); err != nil {
		panic(err)
	}
}
