package backgroundcontext

import (
	"context"
	"log"
	"net/http"
)

// record ignores its context: nothing is cut off from cancellation.
func record(_ context.Context, event string) {
	log.Println("event", event)
}

// The callee ignores the context it is given.
func (s *Service) Track(ctx context.Context, event string) {
	go record(context.Background(), event)
	record(context.TODO(), event)
}

// A client helper: the request it sends is not a context it was given to honour.
func sendWithRetry(client *http.Client, req *http.Request) (*http.Response, error) {
	resp, err := client.Do(req)
	if err != nil {
		audit(context.Background(), req.URL.Path)
	}
	return resp, err
}

// The goroutine watches ctx, so it can be cancelled: only its audit call is
// detached, which is information, not a goroutine that outlives its caller.
func (s *Service) SyncPeers(ctx context.Context, peers []string) {
	for _, p := range peers {
		go func(peer string) {
			s.refresh(ctx, 0)
			audit(context.Background(), peer) // want `context.Background\(\) passed to a call while .ctx. is in scope: the call ignores its cancellation \(information`
		}(p)
	}
}

// Cleanup in a deferred closure runs when ctx may be done already.
func (s *Service) Upload(ctx context.Context, part string) (err error) {
	defer func() {
		if err != nil {
			audit(context.Background(), "cleanup "+part)
		}
	}()
	return s.store(ctx, Doc{})
}

type tenantKey struct{}

func withTenant(parent context.Context, tenant string) context.Context {
	return context.WithValue(parent, tenantKey{}, tenant)
}

// A context rebuilt from Background with the tenant carried over: detached on purpose.
func (s *Service) Forward(ctx context.Context, events <-chan string) {
	tenant, _ := ctx.Value(tenantKey{}).(string)
	fwd := withTenant(context.Background(), tenant)
	go func() {
		for e := range events {
			audit(fwd, e)
		}
	}()
}

// A context of the code's own, cancelled by it once the copy ends.
func (s *Service) Copy(ctx context.Context, docs []Doc) {
	copyCtx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, d := range docs {
		_ = s.store(copyCtx, d)
	}
}
