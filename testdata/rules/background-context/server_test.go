package backgroundcontext

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

// A test's fake server may use any context it likes.
func TestGet(t *testing.T) {
	s := &Service{index: map[string]Doc{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		go audit(context.Background(), r.URL.Path)
		s.Get(w, r)
	}))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

// A test helper building a client request: cancellation is the test's business.
func checkHeaderSize(t *testing.T, s *Service) {
	size := func(req *http.Request) error {
		return s.store(context.Background(), Doc{ID: req.URL.Path})
	}
	req, err := http.NewRequest(http.MethodGet, "http://example.com/x", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := size(req); err != nil {
		t.Error(err)
	}
}

var _ = checkHeaderSize
