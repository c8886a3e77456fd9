package batch

import (
	"context"
	"log"
	"time"
)

// Batcher flushes items when the batch is full or when the flush timer
// fires; every new item pushes the deadline back.
type Batcher struct {
	in    chan string
	every time.Duration
	flush func([]string)
}

func (b *Batcher) Run(ctx context.Context) {
	var batch []string
	t := time.NewTimer(b.every)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			b.flush(batch)
			batch = nil
		case item := <-b.in:
			batch = append(batch, item)
			if !t.Stop() {
				<-t.C // want `.<-t.C. blocks forever after .case <-t.C:. \(line 24\) has taken the timer's value without resetting it`
			}
			t.Reset(b.every)
		}
	}
}

// Session expires unless it is touched; Touch pushes the expiry back.
type Session struct {
	idle    *time.Timer
	touches chan struct{}
	done    chan struct{}
}

func (s *Session) expire(timeout time.Duration, onExpire func()) {
	for {
		select {
		case <-s.idle.C:
			onExpire()
		case <-s.touches:
			if !s.idle.Stop() {
				<-s.idle.C // want `.<-s.idle.C. blocks forever after .case <-s.idle.C:. \(line 47\)`
			}
			s.idle.Reset(timeout)
		case <-s.done:
			return
		}
	}
}

// Wait waits for a reply or the deadline, then stops the timer on the way out.
func Wait(replies <-chan string, deadline time.Duration) string {
	t := time.NewTimer(deadline)
	var reply string
	select {
	case reply = <-replies:
	case <-t.C:
		log.Println("no reply in time")
	}
	if !t.Stop() {
		<-t.C // want `.<-t.C. blocks forever after .case <-t.C:. \(line 66\)`
	}
	return reply
}
