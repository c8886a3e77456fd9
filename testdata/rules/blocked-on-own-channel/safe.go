package watch

import (
	"log"
	"net"
	"os"
)

// WatchBuffered's error stream has room for its one event.
func (w *Watcher) WatchBuffered(path string) <-chan Event {
	events := make(chan Event, 1)
	if _, err := os.Stat(path); err != nil {
		events <- Event{Path: path, Err: err}
		return events
	}
	go w.poll(path, events)
	return events
}

// Replay starts its consumer before it sends.
func (w *Watcher) Replay(paths []string) <-chan Event {
	events := make(chan Event)
	out := make(chan Event)
	go forward(events, out)
	for _, p := range paths {
		events <- Event{Path: p}
	}
	close(events)
	return out
}

func forward(in <-chan Event, out chan<- Event) {
	for e := range in {
		out <- e
	}
	close(out)
}

// StartClosing's goroutine closes ready once it accepts.
func (s *Server) StartClosing() {
	ready := make(chan struct{})
	go s.serveReady(ready)
	<-ready
}

func (s *Server) serveReady(ready chan struct{}) {
	close(ready)
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.conns <- conn
	}
}

// Notifier hands its channel to code the package does not have.
type Notifier interface {
	Notify(done chan struct{})
}

func WaitNotified(n Notifier) {
	done := make(chan struct{})
	go n.Notify(done)
	<-done
}

// Listen keeps the ready channel in the server, where others may close it.
type readyServer struct {
	ready chan struct{}
	ln    net.Listener
}

func (s *readyServer) Listen() {
	ready := make(chan struct{})
	s.ready = ready
	go s.accept()
	<-ready
}

func (s *readyServer) accept() {
	close(s.ready)
	log.Println("accepting on", s.ln.Addr())
}

// Collect's aggregator receives in a select.
func Collect(counts []int, quit chan struct{}) {
	totals := make(chan int)
	go sum(totals, quit)
	for _, c := range counts {
		totals <- c
	}
}

func sum(totals <-chan int, quit <-chan struct{}) {
	n := 0
	for {
		select {
		case c := <-totals:
			n += c
		case <-quit:
			log.Printf("total %d", n)
			return
		}
	}
}
