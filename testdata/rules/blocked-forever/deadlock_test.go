package blockedforever

import (
	"sync"
	"testing"
)

// In a test, a goroutine parked for good is the test's own doing: here the
// code under test must notice that it never finishes.
func TestNoticesStuckWorker(t *testing.T) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		select {}
	}()
	if waitsFor(&wg) {
		t.Fatal("a parked worker finished")
	}
}

// A helper that parks its caller, as a peer that never replies.
func neverReplies() error {
	select {}
}

func waitsFor(wg *sync.WaitGroup) bool {
	done := make(chan struct{}, 1)
	go func() {
		wg.Wait()
		done <- struct{}{}
	}()
	select {
	case <-done:
		return true
	default:
		return false
	}
}

var _ = neverReplies
