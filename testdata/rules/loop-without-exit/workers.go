package loopwithoutexit

import (
	"log"
	"time"
)

// No context anywhere: maybe a deliberate background worker, so information only.
type Metrics struct {
	samples chan float64
}

func NewMetrics() *Metrics {
	m := &Metrics{samples: make(chan float64, 64)}
	go m.aggregate()
	return m
}

func (m *Metrics) aggregate() {
	sum := 0.0
	for { // want `goroutine loops forever`
		sum += <-m.samples
		log.Println("sum", sum)
	}
}

// One goroutine per connection, none of which ever ends.
func keepAlive(conns []chan<- string) {
	for _, c := range conns {
		go func() {
			for range time.Tick(30 * time.Second) { // want `goroutine ranges over .time.Tick`
				c <- "ping"
			}
		}()
	}
}

// Named as running forever: a hint only.
type Server struct {
	requests chan string
}

func (s *Server) Run() {
	for { // want `goroutine loops forever`
		r := <-s.requests
		log.Println("request", r)
	}
}

func StartServer(s *Server) { go s.Run() }

// Documented as living as long as the process.
//
// pump runs until the process exits.
func pump(in <-chan []byte, out chan<- []byte) {
	for { // want `goroutine loops forever`
		out <- <-in
	}
}

func StartPump(in <-chan []byte, out chan<- []byte) { go pump(in, out) }

// A guard on a field starts one goroutine per value, not one per process: every
// Relay leaves a goroutine behind.
type Relay struct {
	in      chan string
	started bool
}

func (r *Relay) Start() {
	if r.started {
		return
	}
	r.started = true
	go func() {
		for { // want `goroutine loops forever`
			log.Println(<-r.in)
		}
	}()
}

// A local guard says nothing about the process.
func startEach(in chan string) {
	var started chan struct{}
	if started != nil {
		return
	}
	started = make(chan struct{})
	go func() {
		for { // want `goroutine loops forever`
			log.Println(<-in)
		}
	}()
}
