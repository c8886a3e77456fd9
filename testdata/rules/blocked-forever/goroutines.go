package blockedforever

import (
	"context"
	"log"
	"net"
	"sync"
)

type Server struct {
	ln    net.Listener
	conns map[net.Conn]struct{}
	mu    sync.Mutex
}

// A goroutine parked for good: with a context in scope, wait for it instead.
func (s *Server) Hold(ctx context.Context) {
	go func() {
		log.Println("holding")
		select {} // want `goroutine blocks forever in .select \{\}.`
	}()
}

// A keep-alive goroutine started with a method: no context to wait on.
func (s *Server) Start() {
	go s.keepAlive()
}

func (s *Server) keepAlive() {
	s.mu.Lock()
	s.conns = map[net.Conn]struct{}{}
	s.mu.Unlock()
	select {} // want `goroutine blocks forever in .select \{\}.`
}

// An empty loop in a goroutine spins forever.
func (s *Server) Idle(ctx context.Context) {
	go func() {
		for { // want `goroutine spins forever in an empty .for \{\}.`
		}
	}()
}

// Started by name, spinning, with only a comment in the loop.
func (s *Server) Park() {
	go s.spin()
}

func (s *Server) spin() {
	for { // want `goroutine spins forever in an empty .for \{\}.`
		// wait for the process to exit
	}
}

// Channels made in place: nothing else can ever reach them.
func (s *Server) Abandon() {
	go func() {
		<-make(chan struct{}) // want `goroutine blocks forever: receive from a channel made in place`
	}()
	go func() {
		make(chan int) <- len(s.conns) // want `goroutine blocks forever: send on a channel made in place`
	}()
	go func() {
		select { // want `goroutine blocks forever in this .select.: every case is on a channel made in place`
		case make(chan int) <- 1:
		case v := <-make(chan int):
			log.Println(v)
		}
	}()
}
