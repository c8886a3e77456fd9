package lostcancel

import (
	stdctx "context"
	"time"
)

// The file imports context under another name.
func (s *Store) Analyze(parent stdctx.Context) error {
	ctx, _ := stdctx.WithTimeout(parent, time.Minute) // want `the cancel function of stdctx.WithTimeout is discarded`
	_, err := s.db.ExecContext(ctx, "ANALYZE")
	return err
}
