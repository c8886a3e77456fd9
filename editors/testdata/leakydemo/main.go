// Command leakydemo leaks goroutines on purpose, for the editor client tests:
// they open this file, apply leakls's quick fixes, and load goroutines.txt, the
// dump this program prints. After editing this file, regenerate the dump with
//
//	go run -trimpath . > goroutines.txt
//
// so that its line numbers match again.
package main

import (
	"context"
	"os"
	"runtime/pprof"
	"time"
)

func fetch(id int) string {
	time.Sleep(time.Duration(id+1) * time.Millisecond)
	return "ok"
}

// first gives up after timeout; a late answer is then sent to nobody.
func first(id int, timeout time.Duration) string {
	result := make(chan string)
	go func() {
		result <- fetch(id)
	}()
	select {
	case r := <-result:
		return r
	case <-time.After(timeout):
		return ""
	}
}

// poll returns when check succeeds, leaving its ticker running.
func poll(ctx context.Context, check func() bool) {
	t := time.NewTicker(time.Millisecond)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if check() {
				return
			}
		}
	}
}

func main() {
	for id := 0; id < 3; id++ {
		first(id, 0)
	}
	poll(context.Background(), func() bool { return true })
	// Let the three goroutines reach their send before taking the dump.
	time.Sleep(50 * time.Millisecond)
	pprof.Lookup("goroutine").WriteTo(os.Stdout, 2)
}
