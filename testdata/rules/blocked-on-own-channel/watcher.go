package watch

import (
	"errors"
	"log"
	"net"
	"os"
	"time"
)

type Event struct {
	Path string
	Err  error
}

// Watcher polls files and streams their changes.
type Watcher struct {
	every time.Duration
	stop  chan struct{}
}

// Watch streams changes of path; a missing file is reported as a stream
// with one error in it.
func (w *Watcher) Watch(path string) <-chan Event {
	if _, err := os.Stat(path); err != nil {
		events := make(chan Event)
		events <- Event{Path: path, Err: err} // want `.Watcher.Watch. sends on .events. before returning it: nothing else holds the channel yet`
		return events
	}
	events := make(chan Event)
	go w.poll(path, events)
	return events
}

func (w *Watcher) poll(path string, events chan<- Event) {
	var last time.Time
	for {
		select {
		case <-w.stop:
			return
		case <-time.After(w.every):
			if fi, err := os.Stat(path); err == nil && fi.ModTime() != last {
				last = fi.ModTime()
				events <- Event{Path: path}
			}
		}
	}
}

// Server accepts connections once Start has seen the listener ready.
type Server struct {
	ln    net.Listener
	conns chan net.Conn
}

func (s *Server) Start() error {
	if s.ln == nil {
		return errors.New("no listener")
	}
	ready := make(chan struct{})
	go s.serve(ready)
	<-ready // want `.Server.Start. waits to receive from .ready., but nothing sends on or closes it: .Server.serve., which it is handed to, never does`
	return nil
}

// serve was meant to close ready once accepting; it never does.
func (s *Server) serve(ready chan struct{}) {
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			log.Printf("accept: %v", err)
			return
		}
		s.conns <- conn
	}
}

// Reporter hands a results channel to an aggregator that only logs.
type Reporter struct{}

func (r *Reporter) Report(counts []int) {
	totals := make(chan int)
	go aggregate(len(counts), totals)
	for _, c := range counts {
		totals <- c // want `.Reporter.Report. sends on .totals., but nothing receives from it: .aggregate., which it is handed to, never does`
	}
}

func aggregate(n int, totals chan int) {
	log.Printf("aggregating %d counts", n)
}
