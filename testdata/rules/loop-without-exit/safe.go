package loopwithoutexit

import (
	"context"
	"errors"
	"log"
	"net"
	"os"
	"sync"
	"time"
)

// Returns when the context is done.
func pollWithContext(ctx context.Context) {
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				log.Println("poll")
			}
		}
	}()
}

// A done channel ends it.
func withDone(done <-chan struct{}, in <-chan int) {
	go func() {
		for {
			select {
			case <-done:
				return
			case v := <-in:
				log.Println(v)
			}
		}
	}()
}

// Ranging over an ordinary channel ends when it is closed.
func rangeChannel(in <-chan int) {
	go func() {
		for v := range in {
			log.Println(v)
		}
	}()
}

// Stops once the channel is closed.
func okCheck(in <-chan int) {
	go func() {
		for {
			v, ok := <-in
			if !ok {
				return
			}
			log.Println(v)
		}
	}()
}

// A labelled break leaves the loop.
func labelledBreak(in <-chan int, quit <-chan struct{}) {
	go func() {
	loop:
		for {
			select {
			case v := <-in:
				log.Println(v)
			case <-quit:
				break loop
			}
		}
		log.Println("stopped")
	}()
}

// A ticker loop that returns once its work is done.
func untilDone(check func() bool) {
	t := time.NewTicker(time.Second)
	go func() {
		defer t.Stop()
		for range t.C {
			if check() {
				return
			}
		}
	}()
}

// A loop with a condition.
func whileRunning(running func() bool, in <-chan int) {
	go func() {
		for running() {
			log.Println(<-in)
		}
	}()
}

// Not started as a goroutine in this file.
func blockingLoop(in <-chan int) {
	for {
		log.Println(<-in)
	}
}

// An accept loop leaves on error.
func acceptLoop(l net.Listener) {
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			conn.Close()
		}
	}()
}

// The process ends from inside the loop.
func fatalInLoop(errs <-chan error) {
	go func() {
		for {
			if err := <-errs; err != nil {
				log.Fatal(err)
			}
		}
	}()
}

// Exits the process on a signal-like message.
func exitInLoop(cmds <-chan string) {
	go func() {
		for {
			if <-cmds == "quit" {
				os.Exit(0)
			}
		}
	}()
}

// Sleeping loops wait on no channel: not this rule's shape.
func sleeper(poll func()) {
	go func() {
		for {
			time.Sleep(time.Second)
			poll()
		}
	}()
}

// A callback is not a goroutine we start.
func registerHandler(register func(func()), in <-chan int) {
	register(func() {
		for {
			log.Println(<-in)
		}
	})
}

// A plain break leaves the loop.
func breakOnZero(in <-chan int) {
	go func() {
		for {
			v := <-in
			if v == 0 {
				break
			}
			log.Println(v)
		}
	}()
}

// Errors out of an errgroup-style function literal.
func returnsError(run func(func() error), in <-chan int) {
	run(func() error {
		for v := range in {
			if v < 0 {
				return errors.New("negative")
			}
		}
		return nil
	})
}

// A user type whose channel happens to be called C: closed by Close, not a ticker.
type Watcher struct {
	C chan string
}

func (w *Watcher) Close() { close(w.C) }

func follow(w *Watcher) {
	go func() {
		for ev := range w.C {
			log.Println("event", ev)
		}
	}()
}

// Started at most once per process: the function returns at once when the
// package-level channel is already made, so the goroutine is a singleton that
// lives as long as the process, like one started in init.
var maskUpdates chan uint32

func ensureMaskWatcher(apply func(uint32)) {
	if maskUpdates != nil {
		return
	}
	maskUpdates = make(chan uint32)
	go func() {
		for {
			select {
			case m := <-maskUpdates:
				apply(m)
			}
		}
	}()
}

// The same with a package-level sync.Once.
var (
	auditOnce sync.Once
	auditLog  = make(chan string)
)

func startAuditLog() {
	auditOnce.Do(func() {
		go func() {
			for {
				log.Println(<-auditLog)
			}
		}()
	})
}
