package syncer

import (
	"context"
	"log"
)

// Cache uses the caller's ctx.
type Cache struct {
	ctx   context.Context
	fills chan string
}

func NewCache(ctx context.Context) *Cache {
	c := &Cache{ctx: ctx, fills: make(chan string)}
	go c.loop()
	return c
}

func (c *Cache) loop() {
	for {
		select {
		case <-c.ctx.Done():
			return
		case k := <-c.fills:
			log.Println(k)
		}
	}
}

// Janitor detaches on purpose and stops on its own quit channel too.
type Janitor struct {
	ctx  context.Context
	quit chan struct{}
}

func NewJanitor(ctx context.Context) *Janitor {
	j := &Janitor{ctx: context.Background(), quit: make(chan struct{})}
	go j.run()
	return j
}

func (j *Janitor) run() {
	for {
		select {
		case <-j.ctx.Done():
			return
		case <-j.quit:
			return
		}
	}
}

func (j *Janitor) Stop() { close(j.quit) }

// Daemon's constructor has no ctx to derive from.
type Daemon struct {
	ctx context.Context
}

func NewDaemon() *Daemon {
	d := &Daemon{ctx: context.Background()}
	go func() {
		<-d.ctx.Done()
	}()
	return d
}

// Pump leaves its loop when the queue is closed as well.
type Pump struct {
	ctx   context.Context
	queue chan int
}

func NewPump(ctx context.Context) *Pump {
	p := &Pump{queue: make(chan int)}
	p.ctx = context.Background()
	go p.run()
	return p
}

func (p *Pump) run() {
	for {
		select {
		case <-p.ctx.Done():
			return
		case n, ok := <-p.queue:
			if !ok {
				return
			}
			log.Println(n)
		}
	}
}

func (p *Pump) Close() { close(p.queue) }

// Worker's context is replaced with a cancellable one in Start.
type Worker struct {
	ctx    context.Context
	cancel context.CancelFunc
}

func NewWorker(ctx context.Context) *Worker {
	w := &Worker{ctx: context.Background()}
	go w.run()
	return w
}

func (w *Worker) Start(ctx context.Context) {
	w.ctx, w.cancel = context.WithCancel(ctx)
}

func (w *Worker) run() {
	for {
		select {
		case <-w.ctx.Done():
			return
		}
	}
}

func (w *Worker) Stop() { w.cancel() }
