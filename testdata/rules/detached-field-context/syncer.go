package syncer

import (
	"context"
	"log"
	"time"
)

type traceKey struct{}

// Syncer copies changes to a peer until its context ends; NewSyncer takes
// the caller's ctx but detaches the loop from it.
type Syncer struct {
	ctx     context.Context
	changes chan string
	every   time.Duration
}

func NewSyncer(ctx context.Context, every time.Duration) *Syncer {
	s := &Syncer{changes: make(chan string), every: every}
	s.ctx = context.Background() // want `.Syncer.ctx. is set to .context.Background\(\)., which is never done, yet .Syncer.loop. \(a goroutine\) stops only on its .Done\(\).: it runs forever; .NewSyncer. has a .ctx. to derive it from`
	go s.loop()
	return s
}

func (s *Syncer) loop() {
	for {
		select {
		case <-s.ctx.Done():
			return
		case c := <-s.changes:
			log.Printf("sync %s", c)
		case <-time.After(s.every):
			log.Println("idle")
		}
	}
}

func (s *Syncer) Push(c string) {
	select {
	case s.changes <- c:
	case <-s.ctx.Done():
	}
}

// Tracer tags its context with a trace id but still drops the caller's.
type Tracer struct {
	ctx   context.Context
	spans chan string
}

func StartTracer(parent context.Context, id string) *Tracer {
	t := &Tracer{
		ctx:   context.WithValue(context.TODO(), traceKey{}, id), // want `.Tracer.ctx. is set to .context.WithValue\(context.TODO\(\), traceKey\{\}, id\)., which is never done, yet the function literal in .StartTracer. \(a goroutine\)`
		spans: make(chan string),
	}
	go func() {
		<-t.ctx.Done()
		log.Println("tracer done")
	}()
	return t
}
