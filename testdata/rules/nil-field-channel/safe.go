package dispatch

import "time"

// Pool makes its channel in a constructor in another file (pool_new.go).
type Pool struct {
	tasks chan func()
}

func (p *Pool) Go(task func()) { p.tasks <- task }

func (p *Pool) run() {
	for task := range p.tasks {
		task()
	}
}

// Retrier is built with a composite literal that sets the channel.
type Retrier struct {
	wake chan struct{}
	wait time.Duration
}

func NewRetrier(wait time.Duration) *Retrier {
	return &Retrier{wake: make(chan struct{}, 1), wait: wait}
}

func (r *Retrier) Wait() {
	<-r.wake
}

// Pair is built positionally: every field is set.
type Pair struct {
	left, right chan int
}

func NewPair() Pair { return Pair{make(chan int), make(chan int)} }

func (p Pair) Swap() { p.right <- <-p.left }

// Throttle disables its tick case with a nil channel on purpose, inside a select.
type Throttle struct {
	tick <-chan time.Time
	in   chan int
}

func NewThrottle() *Throttle { return &Throttle{in: make(chan int)} }

func (t *Throttle) Loop(out chan<- int) {
	for {
		select {
		case <-t.tick:
		case v := <-t.in:
			out <- v
		}
	}
}

// Inbox exports its channel: other packages set it.
type Inbox struct {
	C chan string
}

func (i *Inbox) Next() string { return <-i.C }
