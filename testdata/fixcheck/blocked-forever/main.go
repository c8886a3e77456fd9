// Command blocked-forever holds a lease for each session in a goroutine that
// parks with select {}: the lease is never given back.
package main

import (
	"context"
	"os"
	"runtime/pprof"
	"sync/atomic"
	"time"
)

var leases atomic.Int64

func holdLease(ctx context.Context, id int) {
	leases.Add(1)
	go func() {
		defer leases.Add(-1)
		select {}
	}()
}

func session(id int) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	holdLease(ctx, id)
}

func main() {
	for id := range 3 {
		session(id)
	}
	time.Sleep(100 * time.Millisecond)
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
