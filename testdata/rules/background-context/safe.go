package backgroundcontext

import (
	"context"
	"errors"
	"log"
	"net/http"
	"sync"
	"time"
)

var rootCtx = context.Background()

// No context or request in scope: a background context is the only choice.
func StartJanitor(s *Service) {
	go s.refresh(context.Background(), time.Hour)
}

// The goroutine gets the caller's context.
func (s *Service) StartWith(ctx context.Context) {
	go s.refresh(ctx, time.Minute)
}

// Detached on purpose, keeping the request's values, bounded by a timeout.
func (s *Service) Publish(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 10*time.Second)
	go func() {
		defer cancel()
		audit(ctx, r.URL.Path)
	}()
	w.WriteHeader(http.StatusAccepted)
}

type server interface {
	Shutdown(context.Context) error
}

// After the context is done, shutdown needs a fresh one.
func serve(ctx context.Context, srv server) error {
	<-ctx.Done()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

// The same inside the case that sees the context end.
func (s *Service) run(ctx context.Context, srv server) {
	for {
		select {
		case <-ctx.Done():
			if err := srv.Shutdown(context.Background()); err != nil {
				log.Println(err)
			}
			return
		case p := <-s.audit:
			log.Println(p)
		}
	}
}

// A goroutine that drains after cancellation.
func (s *Service) drainLater(ctx context.Context, srv server) {
	go func() {
		<-ctx.Done()
		_ = srv.Shutdown(context.Background())
	}()
}

// Deferred cleanup runs when the context may be done already.
func (s *Service) Lock(ctx context.Context, id string) error {
	defer s.unlock(context.Background(), id)
	return s.store(ctx, Doc{ID: id})
}

func (s *Service) unlock(ctx context.Context, id string) {
	if ctx.Err() == nil {
		delete(s.index, id)
	}
}

// An ignored context parameter says the function does not want it.
func (s *Service) Hook(_ context.Context) {
	go s.refresh(context.Background(), time.Minute)
}

// Stored, not passed: not this rule's shape.
type job struct {
	ctx context.Context
}

func newJob(ctx context.Context) *job {
	j := &job{}
	j.ctx = context.TODO()
	return j
}

// A local holding a background context is not a call or a goroutine.
func (s *Service) fallback(ctx context.Context) context.Context {
	bg := context.Background()
	if ctx == nil {
		return bg
	}
	return ctx
}

// A response is not a request.
func drain(resp *http.Response) {
	go notify(context.Background(), resp.Status)
}

// Another type's Background method.
type pool struct{}

func (pool) Background() context.Context { return rootCtx }

func (s *Service) Pooled(ctx context.Context, p pool) {
	go s.refresh(p.Background(), time.Minute)
}

// The request's own context, used directly.
func (s *Service) Sync(w http.ResponseWriter, r *http.Request) {
	if err := s.store(r.Context(), Doc{ID: "sync"}); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

// A context parameter of a goroutine literal, given the caller's context.
func (s *Service) Fan(ctx context.Context, docs []Doc) {
	for _, d := range docs {
		go func(ctx context.Context, d Doc) {
			_ = s.store(ctx, d)
		}(ctx, d)
	}
}

// A cancel function is not a context.
func (s *Service) Detach(cancel context.CancelFunc) {
	go s.refresh(context.Background(), time.Minute)
	cancel()
}

// A nil context replaced by a default is returned, not passed.
func orDefault(ctx context.Context) context.Context {
	if ctx == nil {
		return context.Background()
	}
	return ctx
}

// A goroutine that flushes with a fresh context once the caller's is done.
func (s *Service) FlushOnStop(ctx context.Context) {
	go func() {
		select {
		case <-ctx.Done():
			_ = s.store(context.Background(), Doc{ID: "final"})
		case p := <-s.audit:
			log.Println(p)
		}
	}()
}

// Detached on purpose with a deadline of its own: the work must finish even if
// the client goes away, and cannot run for longer than the timeout.
func (s *Service) Flush(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.store(ctx, Doc{ID: "flush"}); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

// The same inside a goroutine: bounded by its own timeout.
func (s *Service) Archive(ctx context.Context, d Doc) {
	go func() {
		actx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := s.store(actx, d); err != nil && !errors.Is(err, context.DeadlineExceeded) {
			log.Println(err)
		}
	}()
}

// No context given: the background one is the fallback, and bounded anyway.
func (s *Service) Close(ctx context.Context) error {
	if ctx == nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.Background(), time.Second)
		defer cancel()
	}
	return s.store(ctx, Doc{ID: "close"})
}

// The same fallback without a deadline.
func (s *Service) Save(ctx context.Context, d Doc) error {
	if ctx == nil {
		return s.store(context.Background(), d)
	}
	return s.store(ctx, d)
}

// A helper process shared by every request: its context is the cache's, kept in
// a field, and must not end with the request that happened to start it.
type helperCache struct {
	mu     sync.Mutex
	ctx    context.Context
	cancel context.CancelFunc
}

func (c *helperCache) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ctx == nil {
		c.ctx, c.cancel = context.WithCancel(context.Background())
	}
	w.WriteHeader(http.StatusOK)
}
