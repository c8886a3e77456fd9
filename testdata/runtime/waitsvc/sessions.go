package main

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// SessionStore keeps sessions until their context ends.
type SessionStore struct {
	mu       sync.Mutex
	sessions map[string]time.Time
}

func NewSessionStore() *SessionStore {
	return &SessionStore{sessions: make(map[string]time.Time)}
}

// handleOpen opens a session that must outlive the request, so it is
// detached from r.Context(), and from any cancellation with it.
func (s *SessionStore) handleOpen(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("id")
	s.mu.Lock()
	s.sessions[id] = time.Now()
	s.mu.Unlock()
	go s.expireWhenDone(context.Background(), id) // mark:session-go
	fmt.Fprintln(w, "opened", id)
}

// expireWhenDone drops the session once ctx is done.
func (s *SessionStore) expireWhenDone(ctx context.Context, id string) {
	<-ctx.Done() // mark:session-wait
	s.mu.Lock()
	delete(s.sessions, id)
	s.mu.Unlock()
}
