package lostcancel

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"time"
)

type Store struct {
	db *sql.DB
}

// The timeout's cancel is thrown away on reassignment.
func (s *Store) Count(ctx context.Context, table string) (int, error) {
	ctx, _ = context.WithTimeout(ctx, 2*time.Second) // want `the cancel function of context.WithTimeout is discarded`
	var n int
	err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n)
	return n, err
}

// A response built from the context leaves the function: the fix needs review.
func fetchStatus(r *http.Request, url string) (*http.Response, error) {
	ctx, _ := context.WithTimeout(r.Context(), time.Second) // want `discarded: the derived context and its resources live until its timer fires`
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	return http.DefaultClient.Do(req)
}

// WithCancel with the cancel dropped is as long-lived as its parent.
func (s *Store) Ping(parent context.Context) error {
	ctx, _ := context.WithCancel(parent) // want `the cancel function of context.WithCancel is discarded: .* until its parent is cancelled`
	return s.db.PingContext(ctx)
}

// The var form.
func (s *Store) Purge(parent context.Context, before time.Time) error {
	var ctx, _ = context.WithDeadline(parent, time.Now().Add(time.Minute)) // want `context.WithDeadline is discarded`
	_, err := s.db.ExecContext(ctx, "DELETE FROM events WHERE at < ?", before)
	return err
}

// One context per attempt: cancelled on every way out of the iteration.
func (s *Store) PingRetry(ctx context.Context, attempts int) error {
	var err error
	for i := 0; i < attempts; i++ {
		attemptCtx, _ := context.WithTimeout(ctx, 500*time.Millisecond) // want `context.WithTimeout is discarded`
		if err = s.db.PingContext(attemptCtx); err == nil {
			return nil
		}
	}
	return err
}

var errShutdown = errors.New("shutting down")

// WithCancelCause: the cancel function takes the cause.
func (s *Store) Drain(ctx context.Context, ids []int64) error {
	drainCtx, _ := context.WithCancelCause(ctx) // want `context.WithCancelCause is discarded`
	for _, id := range ids {
		if _, err := s.db.ExecContext(drainCtx, "DELETE FROM queue WHERE id = ?", id); err != nil {
			return err
		}
	}
	return nil
}

// The Cause variant of a timeout, assigned to an existing variable inside a branch.
func (s *Store) Vacuum(ctx context.Context, budget time.Duration) error {
	if budget > 0 {
		ctx, _ = context.WithTimeoutCause(ctx, budget, errShutdown) // want `context.WithTimeoutCause is discarded`
	}
	_, err := s.db.ExecContext(ctx, "VACUUM")
	return err
}
