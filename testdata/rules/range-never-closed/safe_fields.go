package rangenevercloses

import (
	"log"
	"sync"
)

// Stop closes what the loop ranges over.
type Flusher struct {
	entries chan string
}

func NewFlusher() *Flusher {
	f := &Flusher{entries: make(chan string)}
	go f.run()
	return f
}

func (f *Flusher) run() {
	for e := range f.entries {
		log.Println(e)
	}
}

func (f *Flusher) Stop() { close(f.entries) }

// Closed exactly once through sync.Once.
type Hub struct {
	once     sync.Once
	messages chan string
}

func (h *Hub) serve() {
	for m := range h.messages {
		log.Println(m)
	}
}

func (h *Hub) Close() {
	h.once.Do(func() { close(h.messages) })
}

// The channel comes from the caller, who may close it.
type Relay struct {
	source chan int
}

func NewRelay(source chan int) *Relay {
	r := &Relay{source: source}
	go r.forward()
	return r
}

func (r *Relay) forward() {
	for v := range r.source {
		log.Println(v)
	}
}

// A loop with its own way out.
type Ticket struct {
	queue chan int
	done  chan struct{}
}

func (t *Ticket) loop() {
	for {
		select {
		case v, ok := <-t.queue:
			if !ok {
				return
			}
			log.Println(v)
		case <-t.done:
			return
		}
	}
}

func (t *Ticket) Stop() { close(t.done) }
