package gateway

import (
	"context"
	"errors"
	"log"
	"net"
	"net/http"
)

// Gateway serves HTTP, metrics and admin endpoints; Run returns when the
// first of them fails.
type Gateway struct {
	api, metrics, admin *http.Server
	ln                  [3]net.Listener
}

func (g *Gateway) Run() error {
	errc := make(chan error, 1) // want `.errc. holds 1 value and .Gateway.Run. receives from it once, but 3 sends always happen: 1 of them blocks forever`
	go func() { errc <- g.api.Serve(g.ln[0]) }()
	go func() { errc <- g.metrics.Serve(g.ln[1]) }()
	go func() { errc <- g.admin.Serve(g.ln[2]) }()
	return <-errc
}

// Probe checks four replicas and reports on the first answer.
func Probe(ctx context.Context, check func(context.Context, int) error) error {
	answers := make(chan error, 2) // want `.answers. holds 2 values and .Probe. receives from it once, but 4 sends always happen: 1 of them blocks forever`
	for i := 0; i < 4; i++ {
		go func(replica int) {
			answers <- check(ctx, replica)
		}(i)
	}
	select {
	case err := <-answers:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Warm loads three caches through a worker and waits for none.
func Warm(load func(string) error) {
	done := make(chan string, 1) // want `.done. holds 1 value and nothing receives from it, but 3 sends always happen: 2 of them block forever`
	for _, name := range [3]string{"users", "orders", "prices"} {
		log.Printf("warming %s", name)
	}
	go warmOne("users", load, done)
	go warmOne("orders", load, done)
	go warmOne("prices", load, done)
}

func warmOne(name string, load func(string) error, done chan<- string) {
	if err := load(name); err != nil {
		log.Printf("warm %s: %v", name, err)
	}
	done <- name
}

var errStopped = errors.New("stopped")
