// Command range-never-closed-wait hands a batch to a pool of workers and
// waits for them; nothing closes the queue, so the workers never finish and
// the batch waits forever.
package main

import (
	"os"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"time"
)

var handled atomic.Int64

func processBatch(jobs []int, workers int) {
	queue := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range queue {
				handled.Add(int64(j))
			}
		}()
	}
	for _, j := range jobs {
		queue <- j
	}
	wg.Wait()
}

func main() {
	for range 3 {
		go processBatch([]int{1, 2, 3, 4, 5}, 2)
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
