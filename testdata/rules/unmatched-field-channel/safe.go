package notify

import "context"

// Broker receives in another file (broker_loop.go).
type Broker struct {
	in   chan Event
	done chan struct{}
}

func NewBroker() *Broker {
	b := &Broker{in: make(chan Event), done: make(chan struct{})}
	go b.run()
	return b
}

func (b *Broker) Send(e Event) { b.in <- e }

func (b *Broker) Wait() { <-b.done }

// Feed exports its channel through a method: other packages receive.
type Feed struct {
	out chan Event
}

func NewFeed() *Feed { return &Feed{out: make(chan Event)} }

func (f *Feed) Events() <-chan Event { return f.out }

func (f *Feed) Push(e Event) { f.out <- e }

// Relay's channel comes from its caller: its partners use another name.
type Relay struct {
	to chan<- Event
}

func NewRelay(to chan<- Event) *Relay { return &Relay{to: to} }

func (r *Relay) Forward(e Event) { r.to <- e }

// Signals are handed to a helper that the package cannot see into.
type Signals struct {
	stop chan struct{}
}

func NewSignals(register func(chan struct{})) *Signals {
	s := &Signals{stop: make(chan struct{})}
	register(s.stop)
	return s
}

func (s *Signals) Wait(ctx context.Context) {
	<-s.stop
}

// Exported channels belong to the package's users too.
type Pipe struct {
	C chan Event
}

func NewPipe() *Pipe { return &Pipe{C: make(chan Event)} }

func (p *Pipe) Put(e Event) { p.C <- e }
