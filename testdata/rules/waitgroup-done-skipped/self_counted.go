package waitgroupdoneskipped

import (
	"log"
	"sync"
)

// A shipper that counts itself in: it adds to the group only once it knows it
// will run, and takes the count back when it returns.
type Shipper struct {
	mu      sync.RWMutex
	entries chan string
	wg      sync.WaitGroup
}

func (s *Shipper) Start() {
	go s.ship()
	go s.drain()
}

func (s *Shipper) ship() {
	s.mu.RLock()
	if s.entries == nil {
		s.mu.RUnlock()
		return
	}
	s.mu.RUnlock()

	s.wg.Add(1)
	defer s.wg.Done()
	for e := range s.entries {
		log.Println("ship", e)
	}
}

func (s *Shipper) drain() {
	s.mu.RLock()
	entries := s.entries
	if entries != nil {
		s.wg.Add(1)
		defer s.wg.Done()
	}
	s.mu.RUnlock()
	if entries == nil {
		return
	}
	for e := range entries {
		log.Println("drop", e)
	}
}

func (s *Shipper) Stop() {
	close(s.entries)
	s.wg.Wait()
}
