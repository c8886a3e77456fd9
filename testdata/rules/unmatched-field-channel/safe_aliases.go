package notify

import (
	"context"
	"net"
)

// Watcher stores a local channel in its field; the sends go through the local.
type Watcher struct {
	result <-chan error
}

func (w *Watcher) Start(ctx context.Context) {
	resultc := make(chan error)
	w.result = resultc
	go watch(ctx, resultc)
}

func watch(ctx context.Context, resultc chan<- error) {
	<-ctx.Done()
	resultc <- ctx.Err()
}

func (w *Watcher) Wait() error { return <-w.result }

// trackedConn's address is sent through a type assertion.
type trackedConn struct {
	net.Conn
	addrs chan net.Addr
}

func wrap(c net.Conn) net.Conn {
	return &trackedConn{Conn: c, addrs: make(chan net.Addr, 1)}
}

func (c *trackedConn) RemoteAddr() net.Addr { return <-c.addrs }

func announce(c net.Conn, a net.Addr) {
	c.(*trackedConn).addrs <- a
}
