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
