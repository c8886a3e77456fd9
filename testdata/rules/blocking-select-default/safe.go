package workers

import (
	"log"
	"time"
)

// Queue closes its channel on Stop: a worker blocked in default wakes up.
type Queue struct {
	items chan string
	quit  chan struct{}
}

func NewQueue() *Queue {
	q := &Queue{items: make(chan string), quit: make(chan struct{})}
	go q.run()
	return q
}

func (q *Queue) run() {
	for {
		select {
		case <-q.quit:
			return
		default:
			item, ok := <-q.items
			if !ok {
				return
			}
			log.Println(item)
		}
	}
}

func (q *Queue) Push(s string) { q.items <- s }

func (q *Queue) Stop() {
	close(q.quit)
	close(q.items)
}

// Poller sleeps in its default branch: time passes, nothing blocks for good.
type Poller struct {
	quit  chan struct{}
	every time.Duration
	ticks chan int
}

func (p *Poller) run() {
	n := 0
	for {
		select {
		case <-p.quit:
			return
		default:
			<-time.After(p.every)
			n++
			select {
			case p.ticks <- n:
			default:
			}
		}
	}
}

func (p *Poller) Next() int { return <-p.ticks }

// Spawner hands the blocking send to a goroutine of its own.
func (p *Poller) spawn(out chan int) {
	for {
		select {
		case <-p.quit:
			return
		default:
			go func() { out <- 1 }()
			time.Sleep(p.every)
		}
	}
}

// Once waits a single time, not in a loop.
func (q *Queue) Once() string {
	select {
	case <-q.quit:
		return ""
	default:
		return <-q.items
	}
}

// Exported channels are fed by other packages too.
type Bus struct {
	In   chan string
	quit chan struct{}
}

func (b *Bus) run() {
	for {
		select {
		case <-b.quit:
			return
		default:
			log.Println(<-b.In)
		}
	}
}

type conn struct{ addr string }

// dialRetry hands its one result over and leaves: the caller drains it
// even after giving up.
func dialRetry(addr string, dial func(string) (*conn, error), timeout time.Duration) (*conn, error) {
	stop := make(chan struct{})
	result := make(chan *conn)
	go func() {
		defer close(result)
		for {
			select {
			case <-stop:
				return
			default:
				c, err := dial(addr)
				if err != nil {
					time.Sleep(10 * time.Millisecond)
					continue
				}
				result <- c
				return
			}
		}
	}()
	select {
	case c := <-result:
		return c, nil
	case <-time.After(timeout):
		close(stop)
		go func() { <-result }()
		return nil, errTimeout
	}
}

type timeoutError struct{}

func (timeoutError) Error() string { return "timeout" }

var errTimeout error = timeoutError{}
