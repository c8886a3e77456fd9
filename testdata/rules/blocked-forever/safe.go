package blockedforever

import (
	"context"
	"log"
	"net"
	"os"
	"sync"
	"time"
)

// Assigned on every branch before use.
func Buffered(n int) int {
	var ch chan int
	if n > 0 {
		ch = make(chan int, n)
	} else {
		ch = make(chan int, 1)
	}
	ch <- n
	return <-ch
}

// A nil channel in a select disables its case, on purpose.
func Collect(in <-chan int, limit time.Duration) []int {
	var timeout <-chan time.Time
	if limit > 0 {
		log.Println("limited")
	}
	var out []int
	for {
		select {
		case v, ok := <-in:
			if !ok {
				return out
			}
			out = append(out, v)
		case <-timeout:
			return out
		}
	}
}

// Made in its declaration.
func Made() int {
	var ch = make(chan int, 1)
	ch <- 1
	return <-ch
}

func setup(ch *chan string) { *ch = make(chan string, 1) }

// Its address is taken: setup may assign it.
func ViaPointer() string {
	var ch chan string
	setup(&ch)
	ch <- "ready"
	return <-ch
}

// Assigned in a closure.
func Lazy() int {
	var ch chan int
	open := func() { ch = make(chan int, 1) }
	open()
	ch <- 2
	return <-ch
}

// A different channel of the same name in an inner block.
func Shadowed() int {
	var ch chan int
	if ch == nil {
		ch := make(chan int, 1)
		ch <- 3
		return <-ch
	}
	return 0
}

var global chan int

// A package-level channel may be made in another file.
func Global() int { return <-global }

// An empty loop outside a goroutine is a busy wait of the caller, not this rule's.
func Spin() {
	for {
	}
}

// A loop with a header ends when its condition does.
func WaitFor(ready func() bool) {
	go func() {
		for !ready() {
		}
	}()
}

// A loop that does work.
func Tick(ctx context.Context) {
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Second):
				log.Println("tick")
			}
		}
	}()
}

// Blocking until the context ends, the way to wait forever that can stop.
func Hold(ctx context.Context) {
	go func() {
		<-ctx.Done()
		log.Println("released")
	}()
}

// A select with cases is not empty.
func Either(a, b <-chan int) int {
	select {
	case v := <-a:
		return v
	case v := <-b:
		return v
	}
}

type listener struct {
	ln    net.Listener
	conns map[net.Conn]struct{}
	mu    sync.Mutex
}

// A function that parks its caller for good does so on purpose: it serves for
// the life of the process, and its callers know it never returns.
func (l *listener) Run() {
	go l.serve()
	select {}
}

func (l *listener) serve() {
	for {
		c, err := l.ln.Accept()
		if err != nil {
			return
		}
		l.mu.Lock()
		l.conns[c] = struct{}{}
		l.mu.Unlock()
	}
}

// A debug switch that keeps the process up for a person to poke at.
func (l *listener) Start(keepServing bool) {
	go l.serve()
	if keepServing {
		log.Println("serving on", l.ln.Addr())
		select {}
	}
}

// The entry point of a child process: it waits for the crash it set up.
func crashChild(trigger func()) {
	os.Stdout.WriteString("ready\n")
	go trigger()
	select {}
}

// A stub that never answers, as a hung peer would.
type silentPeer struct{}

func (silentPeer) Read([]byte) (int, error) {
	select {}
}

// A buffered channel made in place takes one value: the send goes through, and
// a select with such a case is not stuck.
func ReadyInPlace() {
	go func() {
		make(chan int, 1) <- 1
		select {
		case make(chan int, 1) <- 2:
		case <-make(chan int):
		}
	}()
}
