// Package stucktest has a test that never finishes, so that `go test -json
// -timeout` prints a goroutine dump inside JSON events.
package stucktest

import "testing"

func TestStuck(t *testing.T) {
	ready := make(chan bool)
	go func() { // mark:go-stuck
		ready <- true // mark:stuck-send
	}()
	select {} // mark:stuck-test
}
