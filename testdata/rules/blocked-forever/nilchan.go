package blockedforever

import (
	"log"
	"net"
)

type Result struct {
	Addr string
	Err  error
}

// The results channel was never made: every send blocks forever.
func Probe(addrs []string) []Result {
	var results chan Result
	for _, a := range addrs {
		go func(a string) {
			c, err := net.Dial("tcp", a)
			if err == nil {
				c.Close()
			}
			results <- Result{Addr: a, Err: err} // want `send on .results. blocks forever: .results. is a nil channel \(declared on line 15 and never assigned\)`
		}(a)
	}
	out := make([]Result, 0, len(addrs))
	for range addrs {
		out = append(out, <-results) // want `receive from .results. blocks forever`
	}
	return out
}

// Waiting on a done channel nobody made.
func (s *Server) Close() error {
	var done chan struct{}
	go func() {
		s.mu.Lock()
		for c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
	}()
	<-done // want `receive from .done. blocks forever: .done. is a nil channel`
	return s.ln.Close()
}

type Event struct{ Name string }

// Ranging over a nil channel never starts.
func Drain() int {
	var events chan Event
	n := 0
	for e := range events { // want `range over .events. blocks forever`
		log.Println(e.Name)
		n++
	}
	return n
}

// One of a group of declarations lacks its make.
func Pipe(in []int) int {
	var (
		src  = make(chan int, len(in))
		sink chan int
	)
	for _, v := range in {
		src <- v
	}
	close(src)
	go func() {
		for v := range src {
			sink <- v * 2 // want `send on .sink. blocks forever`
		}
	}()
	total := 0
	for range in {
		v := <-sink // want `receive from .sink. blocks forever`
		total += v
	}
	return total
}
