package backgroundcontext

import (
	"context"
	"log"
	"net/http"
	"time"
)

type Doc struct {
	ID   string
	Body []byte
}

type Service struct {
	index map[string]Doc
	audit chan string
}

func audit(ctx context.Context, path string) {
	select {
	case <-ctx.Done():
	case <-time.After(time.Second):
		log.Println("audited", path)
	}
}

func (s *Service) store(ctx context.Context, d Doc) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.index[d.ID] = d
	return nil
}

// A handler hands the audit goroutine a context nothing cancels.
func (s *Service) Get(w http.ResponseWriter, r *http.Request) {
	go audit(context.Background(), r.URL.Path) // want `goroutine gets context.Background\(\) while .r.Context\(\). is in scope`
	w.WriteHeader(http.StatusOK)
}

// The goroutine's body builds its own background context.
func (s *Service) Put(w http.ResponseWriter, r *http.Request) {
	d := Doc{ID: r.URL.Query().Get("id")}
	go func() {
		if err := s.store(context.TODO(), d); err != nil { // want `goroutine gets context.TODO\(\) while .r.Context\(\). is in scope`
			log.Println(err)
		}
	}()
	w.WriteHeader(http.StatusAccepted)
}

// A service method with a caller's context starts a refresher detached from it.
func (s *Service) Start(ctx context.Context, every time.Duration) {
	go s.refresh(context.Background(), every) // want `goroutine gets context.Background\(\) while .ctx. is in scope`
}

func (s *Service) refresh(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			log.Println("refresh")
		}
	}
}

// The literal takes a context parameter, and is given a background one.
func (s *Service) Reindex(ctx context.Context, docs []Doc) {
	go func(ctx context.Context, docs []Doc) {
		for _, d := range docs {
			if err := s.store(ctx, d); err != nil {
				return
			}
		}
	}(context.Background(), docs) // want `goroutine gets context.Background\(\) while .ctx. is in scope`
}

// A background context kept in a local and waited on: it is never done.
func (s *Service) Watch(ctx context.Context) {
	go func() {
		bg := context.Background() // want `goroutine gets context.Background\(\)`
		for {
			select {
			case <-bg.Done():
				return
			case p := <-s.audit:
				log.Println(p)
			}
		}
	}()
}

// A cancellable child of Background is still detached from ctx.
func (s *Service) Mirror(ctx context.Context, d Doc) {
	go func() {
		mctx, cancel := context.WithCancel(context.Background()) // want `goroutine gets context.Background\(\) while .ctx. is in scope`
		defer cancel()
		_ = s.store(mctx, d)
	}()
}

// Fan-out: one goroutine per document, none stoppable.
func (s *Service) Import(ctx context.Context, docs []Doc) {
	for _, d := range docs {
		go func(d Doc) {
			if err := s.store(context.TODO(), d); err != nil { // want `goroutine gets context.TODO\(\) while .ctx. is in scope`
				log.Println(err)
			}
		}(d)
	}
}

func retry(n int, f func() error) error {
	var err error
	for i := 0; i < n; i++ {
		if err = f(); err == nil {
			return nil
		}
	}
	return err
}

// A closure inside the goroutine.
func (s *Service) Push(ctx context.Context, d Doc) {
	go func() {
		_ = retry(3, func() error {
			return s.store(context.Background(), d) // want `goroutine gets context.Background\(\) while .ctx. is in scope`
		})
	}()
}

// Both a context and a request: the context parameter wins.
func (s *Service) handle(ctx context.Context, r *http.Request) {
	go audit(context.Background(), r.Method) // want `while .ctx. is in scope`
}

// The argument changes after the go statement: detaching into a closure would
// read the new value, so only the context in scope is offered.
func (s *Service) Count(w http.ResponseWriter, r *http.Request) {
	n := len(s.index)
	go s.report(context.Background(), n) // want `goroutine gets context.Background\(\) while .r.Context\(\). is in scope`
	n++
	log.Println("count after", n)
	w.WriteHeader(http.StatusOK)
}

func (s *Service) report(ctx context.Context, n int) {
	if ctx.Err() == nil {
		log.Println(n)
	}
}

// Calls that drop the context in scope: information only.
func (s *Service) Warm(ctx context.Context, d Doc) error {
	if err := s.store(context.Background(), d); err != nil { // want `context.Background\(\) passed to a call while .ctx. is in scope`
		return err
	}
	return nil
}
