// Command waitgroup-wait-in-loop counts every item up front but waits inside
// the loop that starts the goroutines: the first Wait waits for goroutines
// that are never started.
package main

import (
	"os"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"time"
)

var sum atomic.Int64

func processAll(items []int) {
	var wg sync.WaitGroup
	wg.Add(len(items))
	for _, it := range items {
		go func(it int) {
			defer wg.Done()
			sum.Add(int64(it))
		}(it)
		wg.Wait()
	}
}

func main() {
	for range 3 {
		go processAll([]int{1, 2, 3})
	}
	time.Sleep(100 * time.Millisecond) // the batches reach their Wait
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
