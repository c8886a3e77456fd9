package dispatch

import (
	"context"
	"log"
)

type Job struct{ ID int }

// Dispatcher hands jobs to workers; its constructor forgets to make the queue.
type Dispatcher struct {
	queue   chan Job
	results chan error
	workers int
}

func NewDispatcher(workers int) *Dispatcher {
	d := &Dispatcher{workers: workers, results: make(chan error, workers)}
	for i := 0; i < workers; i++ {
		go d.work()
	}
	return d
}

func (d *Dispatcher) Submit(j Job) {
	d.queue <- j // want `.Dispatcher.queue. is never initialised in package .dispatch.: on a nil channel this blocks forever`
}

func (d *Dispatcher) work() {
	for j := range d.queue { // want `.Dispatcher.queue. is never initialised`
		d.results <- process(j)
	}
}

// Errors reports every job's outcome.
func (d *Dispatcher) Errors() <-chan error { return d.results }

func process(j Job) error {
	log.Printf("job %d", j.ID)
	return nil
}

// Gate lets callers wait until it opens; nothing ever makes the channel.
type Gate struct {
	open chan struct{}
}

func (g *Gate) Wait(ctx context.Context) error {
	select {
	case <-g.open:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (g *Gate) MustWait() {
	<-g.open // want `.Gate.open. is never initialised`
}
