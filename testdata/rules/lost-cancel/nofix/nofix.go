package nofix

import (
	"context"
	"time"
)

// The derived context lives on in the returned worker: a deferred cancel would
// stop it at once, so no fix is offered.
type Worker struct {
	ctx  context.Context
	jobs chan func(context.Context)
}

func NewWorker(parent context.Context) *Worker {
	ctx, _ := context.WithCancel(parent) // want `the cancel function of context.WithCancel is discarded`
	return &Worker{ctx: ctx, jobs: make(chan func(context.Context))}
}

// Stored straight into a field.
func (w *Worker) Reset(parent context.Context) {
	w.ctx, _ = context.WithTimeout(parent, time.Hour) // want `the cancel function of context.WithTimeout is discarded`
}

// Handed to a goroutine that outlives the function.
func (w *Worker) Start(parent context.Context) {
	ctx, _ := context.WithDeadline(parent, time.Now().Add(time.Hour)) // want `the cancel function of context.WithDeadline is discarded`
	go w.run(ctx)
}

func (w *Worker) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case job := <-w.jobs:
			job(ctx)
		}
	}
}
