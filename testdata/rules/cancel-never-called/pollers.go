package pollers

import (
	"context"
	"log"
	"time"
)

// Poller refreshes a value every interval until Stop.
type Poller struct {
	ctx    context.Context
	cancel context.CancelFunc
	every  time.Duration
	fetch  func(context.Context) error
}

func NewPoller(every time.Duration, fetch func(context.Context) error) *Poller {
	p := &Poller{every: every, fetch: fetch}
	p.ctx, p.cancel = context.WithCancel(context.Background()) // want `cancel func stored in .Poller.cancel. is never called`
	go p.loop()
	return p
}

func (p *Poller) loop() {
	t := time.NewTicker(p.every)
	defer t.Stop()
	for {
		select {
		case <-p.ctx.Done():
			return
		case <-t.C:
			if err := p.fetch(p.ctx); err != nil {
				log.Printf("poll: %v", err)
			}
		}
	}
}

// Stop was meant to end the loop, but forgets the context.
func (p *Poller) Stop() {
	log.Println("poller stopping")
}

// Session keeps a deadline for a client connection; the cancel func is kept
// through a local first.
type Session struct {
	ctx    context.Context
	cancel context.CancelFunc
	id     string
}

func OpenSession(parent context.Context, id string) *Session {
	ctx, cancel := context.WithTimeout(parent, time.Hour)
	s := &Session{ctx: ctx, id: id}
	s.cancel = cancel // want `cancel func stored in .Session.cancel. is never called`
	go s.expire()
	return s
}

func (s *Session) expire() {
	<-s.ctx.Done()
	log.Printf("session %s expired", s.id)
}
