package pollers

import (
	"context"
	"time"
)

// Worker cancels its context in Close, written in another file (close.go).
type Worker struct {
	ctx    context.Context
	cancel context.CancelFunc
	jobs   chan string
}

func NewWorker(parent context.Context) *Worker {
	w := &Worker{jobs: make(chan string)}
	w.ctx, w.cancel = context.WithCancel(parent)
	go w.run()
	return w
}

func (w *Worker) run() {
	for {
		select {
		case <-w.ctx.Done():
			return
		case j := <-w.jobs:
			_ = j
		}
	}
}

// Lease calls its cancel func from a goroutine when the lease runs out, through a local copy.
type Lease struct {
	cancel context.CancelFunc
}

func Grant(parent context.Context, ttl time.Duration) (context.Context, *Lease) {
	ctx, cancel := context.WithTimeout(parent, ttl)
	l := &Lease{cancel: cancel}
	go func() {
		stop := l.cancel
		<-ctx.Done()
		stop()
	}()
	return ctx, l
}

// Job exports its cancel func: callers in other packages call it.
type Job struct {
	Cancel context.CancelFunc
}

func StartJob(parent context.Context) (context.Context, *Job) {
	ctx, cancel := context.WithCancel(parent)
	return ctx, &Job{Cancel: cancel}
}

// Tracker hands its cancel func to a helper that calls it.
type Tracker struct {
	cancel context.CancelFunc
}

func NewTracker(parent context.Context, d time.Duration) *Tracker {
	t := &Tracker{}
	_, t.cancel = context.WithTimeout(parent, d)
	go cancelAfter(t.cancel, d)
	return t
}

func cancelAfter(cancel context.CancelFunc, d time.Duration) {
	time.Sleep(d)
	cancel()
}

// Stream returns its cancel func from an exported method.
type Stream struct {
	cancel context.CancelFunc
}

func (s *Stream) Canceler() context.CancelFunc { return s.cancel }

func OpenStream(parent context.Context) *Stream {
	s := &Stream{}
	_, s.cancel = context.WithCancel(parent)
	return s
}
