package lostcancel

import (
	"context"
	"errors"
	"log"
	"os"
	"time"
)

// Deferred right away.
func (s *Store) Exists(ctx context.Context, id int64) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	var n int
	err := s.db.QueryRowContext(ctx, "SELECT 1 FROM items WHERE id = ?", id).Scan(&n)
	return err == nil, err
}

// Returned: the caller owns the cancel function.
func (s *Store) session(parent context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(parent)
	return ctx, cancel
}

type worker struct {
	ctx     context.Context
	cancel  context.CancelFunc
	cancels []context.CancelFunc
	byID    map[string]context.CancelFunc
	jobs    chan string
}

// Stored in a field: Stop calls it.
func (w *worker) Start(parent context.Context) {
	ctx, cancel := context.WithCancel(parent)
	w.cancel = cancel
	go w.loop(ctx)
}

func (w *worker) Stop() { w.cancel() }

func (w *worker) loop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case j := <-w.jobs:
			log.Println(j)
		}
	}
}

// Assigned straight to fields.
func (w *worker) Restart(parent context.Context) {
	w.ctx, w.cancel = context.WithCancel(parent)
}

// Appended to a slice and kept in a map.
func (w *worker) Track(parent context.Context, id string) context.Context {
	ctx, cancel := context.WithCancel(parent)
	w.cancels = append(w.cancels, cancel)
	w.byID[id] = cancel
	return ctx
}

// Handed to a goroutine that calls it.
func watch(parent context.Context, stop <-chan struct{}) context.Context {
	ctx, cancel := context.WithCancel(parent)
	go func() {
		<-stop
		cancel()
	}()
	return ctx
}

// Captured by a closure the function defers.
func (s *Store) Compact(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	release := func() {
		cancel()
		log.Println("compaction finished")
	}
	defer release()
	_, err := s.db.ExecContext(ctx, "PRAGMA optimize")
	return err
}

// Both branches cancel before returning.
func (s *Store) Touch(ctx context.Context, id int64) error {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	if _, err := s.db.ExecContext(ctx, "UPDATE items SET seen = 1 WHERE id = ?", id); err != nil {
		cancel()
		return err
	}
	cancel()
	return nil
}

// Every case of the switch cancels.
func (s *Store) Toggle(ctx context.Context, on bool) error {
	ctx, cancel := context.WithCancel(ctx)
	switch on {
	case true:
		cancel()
		return nil
	default:
		_, err := s.db.ExecContext(ctx, "UPDATE flags SET on = 0")
		cancel()
		return err
	}
}

// Paths that panic or exit the process do not leak the context.
func (s *Store) MustInit(ctx context.Context, dsn string) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	if dsn == "" {
		panic("no DSN")
	}
	if err := s.db.PingContext(ctx); err != nil {
		log.Fatalf("ping: %v", err)
	}
	if s.db == nil {
		os.Exit(2)
	}
	defer cancel()
	log.Println("store ready")
}

// Declared before the branches that assign it: lostcancel's own pattern.
func (s *Store) Run(ctx context.Context, budget time.Duration, q string) error {
	var cancel context.CancelFunc
	if budget > 0 {
		ctx, cancel = context.WithTimeout(ctx, budget)
	} else {
		ctx, cancel = context.WithCancel(ctx)
	}
	defer cancel()
	_, err := s.db.ExecContext(ctx, q)
	return err
}

// A named result is returned by a bare return.
func (s *Store) open(parent context.Context, strict bool) (ctx context.Context, cancel context.CancelFunc) {
	ctx, cancel = context.WithCancel(parent)
	if strict {
		return
	}
	return
}

// Cancelled on every iteration before any return.
func (s *Store) Batch(ctx context.Context, stmts []string) error {
	for _, q := range stmts {
		stmtCtx, cancel := context.WithTimeout(ctx, time.Second)
		_, err := s.db.ExecContext(stmtCtx, q)
		cancel()
		if err != nil {
			return err
		}
	}
	return nil
}

// A goroutine with its own derived context, cancelled when it returns.
func (s *Store) Refresh(ctx context.Context) {
	go func() {
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		if _, err := s.db.ExecContext(ctx, "REFRESH MATERIALIZED VIEW totals"); err != nil {
			log.Println(err)
		}
	}()
}

// Constructors that do not cancel.
func (s *Store) tagged(ctx context.Context, tag string) context.Context {
	return context.WithValue(ctx, tagKey{}, tag)
}

type tagKey struct{}

// A same-named method of another type.
type limiter struct{}

func (limiter) WithTimeout(d time.Duration) (time.Duration, func()) { return d, func() {} }

func throttle(l limiter) time.Duration {
	d, _ := l.WithTimeout(time.Second)
	return d
}

// A condition that checks the cancel function uses it.
func (w *worker) Close(parent context.Context) error {
	ctx, cancel := context.WithCancel(parent)
	if cancel == nil {
		return errors.New("no cancel")
	}
	defer cancel()
	<-ctx.Done()
	return nil
}

// A serving loop that cancels on its only way out.
func (s *Store) Listen(ctx context.Context, jobs <-chan string) error {
	ctx, cancel := context.WithCancel(ctx)
	for {
		select {
		case <-ctx.Done():
			cancel()
			return ctx.Err()
		case q := <-jobs:
			if _, err := s.db.ExecContext(ctx, q); err != nil {
				cancel()
				return err
			}
		}
	}
}

// Cancelled from a deferred closure.
func (s *Store) Report(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer func() {
		cancel()
		log.Println("report done")
	}()
	_, err := s.db.ExecContext(ctx, "INSERT INTO reports DEFAULT VALUES")
	return err
}

// Handed to a timer that calls it.
func (s *Store) Bounded(parent context.Context, d time.Duration) context.Context {
	ctx, cancel := context.WithCancel(parent)
	time.AfterFunc(d, cancel)
	return ctx
}

// Every way out of the iteration cancels first.
func (s *Store) Each(ctx context.Context, stmts []string) int {
	done := 0
	for _, q := range stmts {
		qctx, cancel := context.WithTimeout(ctx, time.Second)
		if q == "" {
			cancel()
			continue
		}
		if _, err := s.db.ExecContext(qctx, q); err != nil {
			cancel()
			break
		}
		cancel()
		done++
	}
	return done
}
