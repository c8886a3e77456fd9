package gateway

import (
	"context"
	"log"
)

// RunAll has room for every server's error.
func (g *Gateway) RunAll() error {
	errc := make(chan error, 3)
	go func() { errc <- g.api.Serve(g.ln[0]) }()
	go func() { errc <- g.metrics.Serve(g.ln[1]) }()
	go func() { errc <- g.admin.Serve(g.ln[2]) }()
	return <-errc
}

// RunTwo receives once and buffers one: both sends fit.
func (g *Gateway) RunTwo() error {
	errc := make(chan error, 1)
	go func() { errc <- g.api.Serve(g.ln[0]) }()
	go func() { errc <- g.metrics.Serve(g.ln[1]) }()
	return <-errc
}

// ProbeAll receives in a loop: how often is not counted.
func ProbeAll(ctx context.Context, check func(context.Context, int) error) error {
	answers := make(chan error, 1)
	for i := 0; i < 4; i++ {
		go func(replica int) { answers <- check(ctx, replica) }(i)
	}
	for i := 0; i < 4; i++ {
		if err := <-answers; err != nil {
			return err
		}
	}
	return nil
}

// ProbeEach makes a channel per replica.
func ProbeEach(ctx context.Context, check func(context.Context, int) error) {
	for i := 0; i < 4; i++ {
		answer := make(chan error, 1)
		go func(replica int) { answer <- check(ctx, replica) }(i)
		go func(replica int) { answer <- check(ctx, replica) }(i)
		log.Println(<-answer)
	}
}

// ProbeSome starts a number of probes nobody can count.
func ProbeSome(ctx context.Context, replicas []int, check func(context.Context, int) error) error {
	answers := make(chan error, 1)
	for _, r := range replicas {
		go func(replica int) { answers <- check(ctx, replica) }(r)
	}
	return <-answers
}

// ProbePolite's probes give up when nobody listens.
func ProbePolite(ctx context.Context, check func(context.Context, int) error) error {
	answers := make(chan error, 1)
	for i := 0; i < 4; i++ {
		go func(replica int) {
			select {
			case answers <- check(ctx, replica):
			case <-ctx.Done():
			}
		}(i)
	}
	defer log.Println("probed")
	return <-answers
}

// ReportErrors sends only on failure.
func ReportErrors(jobs [3]func() error) error {
	errs := make(chan error, 1)
	for _, job := range jobs {
		go func() {
			if err := job(); err != nil {
				errs <- err
			}
		}()
	}
	return <-errs
}
