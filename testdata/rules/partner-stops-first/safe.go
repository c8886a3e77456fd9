package hub

import (
	"context"
	"log"
)

// Queue's Push waits on the same quit channel its loop leaves on.
type Queue struct {
	items chan string
	quit  chan struct{}
}

func NewQueue() *Queue {
	q := &Queue{items: make(chan string), quit: make(chan struct{})}
	go q.loop()
	return q
}

func (q *Queue) loop() {
	for {
		select {
		case <-q.quit:
			return
		case it := <-q.items:
			log.Println(it)
		}
	}
}

func (q *Queue) Push(it string) bool {
	select {
	case q.items <- it:
		return true
	case <-q.quit:
		return false
	}
}

func (q *Queue) Stop() { close(q.quit) }

// Mailbox is buffered: a send after Stop may still find room (not reported:
// whether it blocks depends on how many are sent).
type Mailbox struct {
	letters chan string
	quit    chan struct{}
}

func NewMailbox() *Mailbox {
	m := &Mailbox{letters: make(chan string, 8), quit: make(chan struct{})}
	go m.loop()
	return m
}

func (m *Mailbox) loop() {
	for {
		select {
		case <-m.quit:
			return
		case l := <-m.letters:
			log.Println(l)
		}
	}
}

func (m *Mailbox) Post(l string) { m.letters <- l }

// Collect's producer closes the channel when it gives up, so the range ends.
func Collect(ctx context.Context, n int) []int {
	out := make(chan int)
	go func() {
		defer close(out)
		for i := 0; i < n; i++ {
			select {
			case <-ctx.Done():
				return
			case out <- i:
			}
		}
	}()
	var all []int
	for v := range out {
		all = append(all, v)
	}
	return all
}

// Ticker loop never leaves: its partner cannot stop first.
type Counter struct {
	incs chan int
}

func NewCounter() *Counter {
	c := &Counter{incs: make(chan int)}
	go c.loop()
	return c
}

func (c *Counter) loop() {
	total := 0
	for {
		select {
		case n := <-c.incs:
			total += n
		}
	}
}

func (c *Counter) Add(n int) { c.incs <- n }

// Lookup's sender waits on the caller's context as its own receiver does.
func Lookup(ctx context.Context, keys []string, get func(string) string) []string {
	vals := make(chan string)
	go func() {
		for _, k := range keys {
			select {
			case <-ctx.Done():
				return
			case vals <- get(k):
			}
		}
	}()
	var out []string
	for range keys {
		select {
		case v := <-vals:
			out = append(out, v)
		case <-ctx.Done():
			return out
		}
	}
	return out
}

// Replay cancels its consumer's context itself, after its last send: the
// consumer can only stop once Replay no longer sends.
func Replay(parent context.Context, events []int, apply func(int)) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	ch := make(chan int)
	go consume(ctx, ch, apply)
	for _, e := range events {
		ch <- e
	}
}

func consume(ctx context.Context, events <-chan int, apply func(int)) {
	for {
		select {
		case <-ctx.Done():
			return
		case e := <-events:
			apply(e)
		}
	}
}

// Shutdown closes the loop's quit channel only after draining its own sends.
type Flusher struct {
	batches chan []byte
	quit    chan struct{}
}

func (f *Flusher) loop(write func([]byte)) {
	for {
		select {
		case <-f.quit:
			return
		case b := <-f.batches:
			write(b)
		}
	}
}

func (f *Flusher) FlushAndStop(pending [][]byte) {
	for _, b := range pending {
		f.batches <- b
	}
	close(f.quit)
}

func NewFlusher(write func([]byte)) *Flusher {
	f := &Flusher{batches: make(chan []byte), quit: make(chan struct{})}
	go f.loop(write)
	return f
}

// A test drives the session's loop and stops it through a helper when done:
// the sends happen while the loop is alive.
type Session struct {
	inbox  chan string
	closed chan struct{}
}

func (s *Session) Start() {
	go s.dispatch()
}

func (s *Session) dispatch() {
	for {
		select {
		case <-s.closed:
			return
		case m := <-s.inbox:
			log.Println(m)
		}
	}
}

func (s *Session) Close() { close(s.closed) }

func closeAndWait(s *Session) { s.Close() }

func Drive(msgs []string) {
	s := &Session{inbox: make(chan string), closed: make(chan struct{})}
	s.Start()
	defer closeAndWait(s)
	for _, m := range msgs {
		s.inbox <- m
	}
}
