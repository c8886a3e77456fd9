package notify

import (
	"log"
	"sync"
)

type Event struct {
	Topic string
	Body  []byte
}

// Notifier was meant to fan events out from a loop, but the loop reads the
// wrong channel: nothing ever receives from events.
type Notifier struct {
	events  chan Event
	updates chan Event
	quit    chan struct{}
	subs    map[string][]func(Event)
	mu      sync.Mutex
}

func NewNotifier() *Notifier {
	n := &Notifier{
		events:  make(chan Event),
		updates: make(chan Event, 16),
		quit:    make(chan struct{}),
		subs:    map[string][]func(Event){},
	}
	go n.loop()
	return n
}

func (n *Notifier) Publish(e Event) {
	n.events <- e // want `nothing in package .notify. receives from .Notifier.events.: this blocks .Notifier.Publish. forever`
}

func (n *Notifier) loop() {
	for {
		select {
		case <-n.quit:
			return
		case e := <-n.updates:
			n.mu.Lock()
			for _, fn := range n.subs[e.Topic] {
				fn(e)
			}
			n.mu.Unlock()
		}
	}
}

func (n *Notifier) Update(e Event) {
	select {
	case n.updates <- e:
	default:
		log.Printf("dropping update for %s", e.Topic)
	}
}

func (n *Notifier) Close() { close(n.quit) }

// Uploader waits for its flusher to say it is done, but the flusher never does.
type Uploader struct {
	pending chan []byte
	flushed chan struct{}
}

func NewUploader() *Uploader {
	u := &Uploader{pending: make(chan []byte, 64), flushed: make(chan struct{})}
	go u.flush()
	return u
}

func (u *Uploader) Add(b []byte) { u.pending <- b }

func (u *Uploader) flush() {
	for b := range u.pending {
		log.Printf("uploading %d bytes", len(b))
	}
}

func (u *Uploader) Close() {
	close(u.pending)
	<-u.flushed // want `nothing in package .notify. sends on or closes .Uploader.flushed.: this blocks .Uploader.Close. forever`
}
