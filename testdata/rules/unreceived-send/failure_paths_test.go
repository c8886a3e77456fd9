package unreceivedsend

import (
	"errors"
	"testing"
	"time"
)

type queue struct{ items chan string }

func (q *queue) pop() (string, error) {
	select {
	case it := <-q.items:
		return it, nil
	case <-time.After(time.Second):
		return "", errors.New("empty")
	}
}

// The test gives up after its timeout: the worker is stranded only on a path
// where the test has already failed, which is a hint.
func TestPopTimesOut(t *testing.T) {
	q := &queue{items: make(chan string)}
	got := make(chan string)
	go func() {
		it, _ := q.pop()
		got <- it // want `goroutine may block forever sending on .got.: .TestPopTimesOut. can return without receiving \(line \d+\) \(only after the test has already failed or timed out\)`
	}()
	select {
	case it := <-got:
		if it != "" {
			t.Errorf("got %q", it)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("pop did not return")
	}
}

// The error channel carries only failures: the test fails on each one, so a
// failure sent after the test stopped listening is one it would have failed on.
func TestPopStream(t *testing.T) {
	q := &queue{items: make(chan string)}
	errs := make(chan error)
	items := make(chan string)
	go func() {
		for {
			it, err := q.pop()
			if err != nil {
				errs <- err // want `goroutine may block forever sending on .errs.: .* \(only after the test has already failed or timed out\)`
				return
			}
			items <- it
		}
	}()
	select {
	case err := <-errs:
		t.Fatal(err)
	case it := <-items:
		t.Log("got", it)
	}
}
