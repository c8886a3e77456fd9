// Command lost-cancel-discarded derives a cancelable context per request from
// its connection's context and throws the cancel function away, which leaves
// behind the goroutine the context package started to link the two.
package main

import (
	"context"
	"os"
	"runtime/pprof"
	"strings"
	"time"
)

// connContext ends when its connection is closed. It is not one of the
// context package's own types, so every context derived from it gets a
// goroutine that waits for either of them to end.
type connContext struct {
	context.Context
	closed chan struct{}
}

func newConnContext() *connContext {
	return &connContext{Context: context.Background(), closed: make(chan struct{})}
}

func (c *connContext) Done() <-chan struct{} { return c.closed }

func (c *connContext) Err() error {
	select {
	case <-c.closed:
		return context.Canceled
	default:
		return nil
	}
}

func serve(ctx context.Context, req string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	return strings.ToUpper(req), nil
}

func handle(conn context.Context, req string) (string, error) {
	ctx, _ := context.WithCancel(conn)
	return serve(ctx, req)
}

func main() {
	for range 3 {
		// A connection dropped without being closed: its context never ends.
		conn := newConnContext()
		for _, req := range []string{"get", "", "put"} {
			_, _ = handle(conn, req)
		}
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
