// Command range-never-closed-producer squares numbers in a producer goroutine
// and sums them as they come; the producer never closes its channel, so the
// sum never ends.
package main

import (
	"os"
	"runtime/pprof"
	"sync/atomic"
	"time"
)

var reported atomic.Int64

func sumOfSquares(items []int) int {
	squares := make(chan int)
	go func() {
		for _, it := range items {
			squares <- it * it
		}
	}()
	total := 0
	for sq := range squares {
		total += sq
	}
	return total
}

func report(items []int) {
	reported.Add(int64(sumOfSquares(items)))
}

func main() {
	for range 3 {
		go report([]int{1, 2, 3})
	}
	time.Sleep(100 * time.Millisecond) // the sums wait for more squares
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
