package workers

import (
	"context"
	"log"
)

type Job struct {
	ID   int
	Data []byte
}

// Pool's workers check quit between jobs, then wait for the next job
// without watching it.
type Pool struct {
	jobs    chan Job
	results chan int
	quit    chan struct{}
}

func NewPool(n int) *Pool {
	p := &Pool{jobs: make(chan Job), results: make(chan int), quit: make(chan struct{})}
	for i := 0; i < n; i++ {
		go p.work()
	}
	go p.collect()
	return p
}

func (p *Pool) work() {
	for {
		select {
		case <-p.quit:
			return
		default:
			job := <-p.jobs // want `the .default:. branch of a loop that stops on .case <-p.quit. receives on .Pool.jobs. without watching that signal`
			p.results <- len(job.Data)
		}
	}
}

func (p *Pool) collect() {
	total := 0
	for {
		select {
		case n := <-p.results:
			total += n
		case <-p.quit:
			log.Printf("processed %d bytes", total)
			return
		}
	}
}

func (p *Pool) Submit(j Job) {
	select {
	case p.jobs <- j:
	case <-p.quit:
	}
}

func (p *Pool) Stop() { close(p.quit) }

// Tailer forwards lines to its sink until its context ends.
type Tailer struct {
	lines chan string
	sink  chan string
}

func NewTailer() *Tailer {
	return &Tailer{lines: make(chan string), sink: make(chan string)}
}

func (t *Tailer) Run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case l := <-t.lines:
			select {
			case t.sink <- l:
			default:
				t.sink <- l // a select with no stop case of its own
			}
		default:
			t.sink <- "heartbeat" // want `the .default:. branch of a loop that stops on .case <-ctx.Done\(\). sends on .Tailer.sink. without watching that signal`
		}
	}
}

func (t *Tailer) Feed(l string) { t.lines <- l }

func (t *Tailer) Drain(ctx context.Context) {
	for {
		select {
		case l := <-t.sink:
			log.Println(l)
		case <-ctx.Done():
			return
		}
	}
}
