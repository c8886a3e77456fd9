// Command loop-without-exit-ticker starts a janitor per session that evicts
// expired entries on every tick; the janitor ranges over its ticker's channel,
// which is never closed, so it outlives the session.
package main

import (
	"context"
	"os"
	"runtime/pprof"
	"sync/atomic"
	"time"
)

var evictions atomic.Int64

type cache struct {
	entries map[string]time.Time
}

func (c *cache) evict() {
	evictions.Add(1)
}

func startJanitor(ctx context.Context, c *cache) {
	t := time.NewTicker(5 * time.Millisecond)
	go func() {
		for range t.C {
			c.evict()
		}
	}()
}

func session(id int) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := &cache{entries: map[string]time.Time{}}
	startJanitor(ctx, c)
	time.Sleep(10 * time.Millisecond)
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
