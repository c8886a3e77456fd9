// Command range-never-closed hands a batch to a pool of workers; nothing
// closes the queue, so the workers wait for more jobs forever.
package main

import (
	"os"
	"runtime/pprof"
	"sync/atomic"
	"time"
)

var handled atomic.Int64

func handle(job int) {
	handled.Add(int64(job))
}

func processBatch(jobs []int, workers int) {
	queue := make(chan int)
	for range workers {
		go func() {
			for j := range queue {
				handle(j)
			}
		}()
	}
	for _, j := range jobs {
		queue <- j
	}
}

func main() {
	for range 3 {
		processBatch([]int{1, 2, 3, 4, 5}, 2)
	}
	time.Sleep(100 * time.Millisecond) // the workers finish their last job
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
