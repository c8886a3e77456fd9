// Command waitgroup-done-skipped processes items in parallel; an invalid item
// makes its goroutine return without Done, so the batch waits forever.
package main

import (
	"os"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"time"
)

type item struct {
	id    string
	value int
}

var sum atomic.Int64

func process(it item) {
	sum.Add(int64(it.value))
}

func processAll(items []item) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func(it item) {
			if it.id == "" {
				return
			}
			process(it)
			wg.Done()
		}(it)
	}
	wg.Wait()
}

func main() {
	batch := []item{{"a", 1}, {"", 2}, {"c", 3}}
	for range 3 {
		go processAll(batch)
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
