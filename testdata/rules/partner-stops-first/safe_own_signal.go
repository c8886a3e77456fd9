package hub

import (
	"log"
	"net"
)

// readMessages reports its read error and returns: the session loop leaves
// only once it has taken that error, so the reader has stopped sending by
// then. The reader itself decides when its partner stops.
func readMessages(conn net.Conn, messages chan<- []byte, errs chan<- error) {
	for {
		buf := make([]byte, 512)
		n, err := conn.Read(buf)
		if err != nil {
			errs <- err
			return
		}
		messages <- buf[:n]
	}
}

func serveConn(conn net.Conn, handle func([]byte)) {
	messages := make(chan []byte)
	errs := make(chan error)
	go readMessages(conn, messages, errs)
	for {
		select {
		case m := <-messages:
			handle(m)
		case err := <-errs:
			log.Println("closing connection:", err)
			conn.Close()
			return
		}
	}
}

// The same with the reader written in place, leaving once the frame it
// waits for arrives: whether the stream sends more after its last frame is
// a fact of the protocol, not of this code.
func awaitGreeting(conn net.Conn, decode func(net.Conn) ([]byte, error)) []byte {
	frames := make(chan []byte)
	failures := make(chan error)
	go func() {
		for {
			frame, err := decode(conn)
			if err != nil {
				failures <- err
				return
			}
			frames <- frame
		}
	}()
	for {
		select {
		case err := <-failures:
			log.Println("no greeting:", err)
		case frame := <-frames:
			return frame
		}
	}
}

// Crawler's constructor kicks the loop once right after starting it: no one
// can have stopped a value that is still being built.
type Crawler struct {
	kick chan struct{}
	quit chan struct{}
}

func NewCrawler(crawl func()) *Crawler {
	c := &Crawler{kick: make(chan struct{}), quit: make(chan struct{})}
	go c.loop(crawl)
	c.kick <- struct{}{}
	return c
}

func (c *Crawler) loop(crawl func()) {
	for {
		select {
		case <-c.kick:
			crawl()
		case <-c.quit:
			return
		}
	}
}

func (c *Crawler) Kick() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

func (c *Crawler) Stop() { close(c.quit) }
