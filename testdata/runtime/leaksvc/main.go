// Command leaksvc is a small HTTP service with deliberate goroutine leaks, used
// by leakls's runtime tests. Each leak shape blocks on a line marked
// `// mark:NAME`; the `go` statement that starts it is marked `// mark:go-NAME`.
// It prints "listening on ADDR" once it serves on a random 127.0.0.1 port.
package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "crash" {
		crash()
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	startHealthyPool(8)
	handle("/orders", placeOrder)
	handle("/fanout", fanout)
	handle("/report", report)
	handle("/lock", lockStore)
	handle("/spike", spike)
	http.HandleFunc("/stack", func(w http.ResponseWriter, r *http.Request) {
		buf := make([]byte, 1<<20)
		w.Write(buf[:runtime.Stack(buf, true)])
	})
	fmt.Printf("listening on %s\n", ln.Addr())
	if err := http.Serve(ln, nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// handle runs h under pprof labels, which goroutines it starts inherit.
func handle(route string, h func()) {
	http.HandleFunc(route, func(w http.ResponseWriter, r *http.Request) {
		pprof.Do(r.Context(), pprof.Labels("svc", "leaksvc", "route", route), func(context.Context) {
			h()
		})
		fmt.Fprintln(w, "ok")
	})
}

// placeOrder leaks one goroutine per call: nobody receives the result.
func placeOrder() {
	result := make(chan int)
	go func() { // mark:go-orders
		result <- 42 // mark:orders
	}()
	select {
	case <-result:
	default:
	}
}

// First returns the first answer; the losers block on the unbuffered channel.
func First[T any](replicas []func() T) T {
	answers := make(chan T)
	for _, r := range replicas {
		go func() { // mark:go-fanout
			answers <- r() // mark:fanout
		}()
	}
	return <-answers
}

func fanout() {
	replica := func() string { return "hit" }
	First([]func() string{replica, replica, replica})
}

// Pool is a worker pool whose queue is never closed.
type Pool[T any] struct {
	queue chan T
}

func (p *Pool[T]) worker() {
	for job := range p.queue { // mark:pool
		_ = job
	}
}

func report() {
	p := &Pool[int]{queue: make(chan int)}
	for range 2 {
		go p.worker() // mark:go-pool
	}
	p.queue <- 1
}

// store's mutex is locked once and never unlocked; it is reachable from a
// global, so the goroutineleak profile cannot prove its waiters leaked.
var store sync.Mutex

func init() {
	store.Lock()
}

func lockStore() {
	store.Lock() // mark:lock
	defer store.Unlock()
}

// spike holds goroutines for a moment, then lets them all go: not a leak.
func spike() {
	release := make(chan struct{})
	for range 50 {
		go func() { // mark:go-spike
			<-release // mark:spike
		}()
	}
	time.AfterFunc(700*time.Millisecond, func() { close(release) })
}

// startHealthyPool starts workers that are fed jobs forever: a steady pool.
func startHealthyPool(n int) {
	jobs := make(chan int)
	for range n {
		go func() { // mark:go-healthy
			for job := range jobs { // mark:healthy
				_ = job
			}
		}()
	}
	go func() {
		for i := 0; ; i++ {
			jobs <- i
			time.Sleep(20 * time.Millisecond)
		}
	}()
}

// crash leaks three orders, then dies of a panic in another goroutine.
func crash() {
	for range 3 {
		placeOrder()
	}
	time.Sleep(50 * time.Millisecond) // let them reach their send
	done := make(chan struct{})
	go func() {
		var inventory map[string]int
		inventory["widget"]++ // mark:panic
		close(done)
	}()
	<-done
}
