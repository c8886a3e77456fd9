package pricing

import (
	"context"
	"net"
	"time"
)

// probe dials an exchange in a worker goroutine and reports the outcome on
// the channel it returns, along with a start error.
func probe(ctx context.Context, addr string) (<-chan error, error) {
	if addr == "" {
		return nil, errNoAddr
	}
	done := make(chan error)
	go dial(ctx, addr, done)
	return done, nil
}

func dial(ctx context.Context, addr string, done chan<- error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err == nil {
		conn.Close()
	}
	done <- err
}

type probeError string

func (e probeError) Error() string { return string(e) }

const errNoAddr = probeError("no address")

// Monitor checks exchanges on a schedule.
type Monitor struct {
	addrs []string
	every time.Duration
}

// CheckAll starts every probe, keeps only the start errors.
func (m *Monitor) CheckAll(ctx context.Context) error {
	for _, a := range m.addrs {
		_, err := probe(ctx, a) // want `.probe. returns a channel that the goroutine it starts sends on; its channel is assigned to ._.`
		if err != nil {
			return err
		}
	}
	return nil
}

// CheckFirst gives the first probe a second, then moves on.
func (m *Monitor) CheckFirst(ctx context.Context) error {
	done, err := probe(ctx, m.addrs[0]) // want `.Monitor.CheckFirst. can return without receiving from .done. \(on a timeout\)`
	if err != nil {
		return err
	}
	select {
	case err := <-done:
		return err
	case <-time.After(time.Second):
		return context.DeadlineExceeded
	}
}
