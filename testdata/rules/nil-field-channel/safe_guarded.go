package dispatch

import "net"

// Acceptor's pause channel is an optional hook (tests set it through a
// struct copy the model cannot see); every wait on it checks it first, so a
// nil channel is never waited on.
type Acceptor struct {
	ln    net.Listener
	pause chan struct{}
}

func NewAcceptor(ln net.Listener) *Acceptor { return &Acceptor{ln: ln} }

func (a *Acceptor) Accept() (net.Conn, error) {
	if a.pause != nil {
		<-a.pause
	}
	return a.ln.Accept()
}

func (a *Acceptor) Release(conn net.Conn) error {
	if conn != nil && a.pause != nil {
		a.pause <- struct{}{}
	}
	return conn.Close()
}
