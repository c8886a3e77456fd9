package hub

import (
	"context"
	"log"
	"time"
)

type Message struct {
	Room string
	Text string
}

// Hub broadcasts messages from one loop; Stop ends the loop, after which
// Broadcast blocks its caller forever.
type Hub struct {
	broadcast chan Message
	quit      chan struct{}
	rooms     map[string][]chan<- Message
}

func NewHub() *Hub {
	h := &Hub{broadcast: make(chan Message), quit: make(chan struct{}), rooms: map[string][]chan<- Message{}}
	go h.run()
	return h
}

func (h *Hub) run() {
	for {
		select {
		case <-h.quit:
			log.Println("hub stopped")
			return
		case m := <-h.broadcast:
			for _, member := range h.rooms[m.Room] {
				select {
				case member <- m:
				default:
				}
			}
		}
	}
}

func (h *Hub) Broadcast(m Message) {
	h.broadcast <- m // want `sending on .Hub.broadcast. blocks forever once its receiver stops: the only receiver, the loop in .Hub.run., leaves on .Hub.quit.`
}

func (h *Hub) Stop() { close(h.quit) }

// Indexer's loop ends with its context; Enqueue does not look at it.
type Indexer struct {
	ctx  context.Context
	docs chan string
}

func StartIndexer(ctx context.Context) *Indexer {
	ix := &Indexer{ctx: ctx, docs: make(chan string)}
	go ix.loop()
	return ix
}

func (ix *Indexer) loop() {
	for {
		select {
		case <-ix.ctx.Done():
			return
		case d := <-ix.docs:
			log.Printf("indexing %s", d)
		}
	}
}

func (ix *Indexer) Enqueue(doc string) {
	ix.docs <- doc // want `sending on .Indexer.docs. blocks forever once its receiver stops: .* leaves on .Indexer.ctx.Done\(\).`
}

type Result struct {
	Path string
	Size int64
}

// ScanAll collects one result per path, but its producer gives up when ctx
// is cancelled and ScanAll keeps waiting.
func ScanAll(ctx context.Context, paths []string, stat func(string) Result) []Result {
	results := make(chan Result)
	go func() {
		for _, p := range paths {
			select {
			case <-ctx.Done():
				return
			case results <- stat(p):
			}
		}
	}()
	var out []Result
	for range paths {
		out = append(out, <-results) // want `receiving from .results. blocks forever once its sender stops: the only sender, the loop in the function literal in .ScanAll., leaves on .ctx.Done\(\).`
	}
	return out
}

// Prober's loop also leaves on a timeout.
type Prober struct {
	probes chan string
}

func NewProber() *Prober {
	p := &Prober{probes: make(chan string)}
	go p.loop()
	return p
}

func (p *Prober) loop() {
	for {
		select {
		case target := <-p.probes:
			log.Printf("probing %s", target)
		case <-time.After(time.Minute):
			log.Println("idle for a minute, prober exits")
			return
		}
	}
}

func (p *Prober) Probe(target string) {
	p.probes <- target // want `sending on .Prober.probes. blocks forever once its receiver stops: .* leaves on another case`
}
