package hub

import (
	"errors"
	"net"
	"testing"
	"time"
)

// Coordinator's loop returns only once every worker has ended: a worker that
// is still sending keeps the loop alive (the leaving case is conditional).
type Coordinator struct {
	results chan string
	errs    chan error
}

func (c *Coordinator) Run(workers int) error {
	active := workers
	var last error
	for {
		select {
		case err := <-c.errs:
			last = err
			active--
			if active == 0 {
				return last
			}
		case r := <-c.results:
			_ = r
		}
	}
}

func (c *Coordinator) work(job string) {
	c.results <- job
	c.errs <- errors.New("done")
}

func NewCoordinator() *Coordinator {
	return &Coordinator{results: make(chan string), errs: make(chan error)}
}

// A test's timeout case fails the test: there is nothing left to stop.
func waitForDial(t *testing.T, dial func() error) {
	errc := make(chan error)
	go func() { errc <- dial() }()
	for i := 0; i < 3; i++ {
		select {
		case err := <-errc:
			if err != nil {
				t.Error(err)
			}
		case <-time.After(time.Second):
			t.Fatal("dial timed out")
		}
	}
}

// The dialer hook is a callback: it runs only while the transport dials.
type Transport struct {
	Dial func(addr string) (net.Conn, error)
}

func lateBinding(tr *Transport, quit chan struct{}) {
	dialing := make(chan bool)
	tr.Dial = func(addr string) (net.Conn, error) {
		for {
			select {
			case dialing <- true:
			case <-quit:
				return nil, errors.New("closed")
			}
		}
	}
	go func() {
		<-dialing
	}()
}

// gateDone is handed to the consumer with each frame: it is called only
// while the reading loop waits for it.
type frame struct {
	data     []byte
	readMore func()
}

type reader struct {
	frames chan frame
	done   chan struct{}
}

func (r *reader) readFrames(next func() []byte) {
	gate := make(chan struct{})
	gateDone := func() { gate <- struct{}{} }
	for {
		select {
		case r.frames <- frame{next(), gateDone}:
		case <-r.done:
			return
		}
		select {
		case <-gate:
		case <-r.done:
			return
		}
	}
}
