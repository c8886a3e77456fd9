// Command background-context logs each request when it ends, from a goroutine
// that waits on the wrong context: context.Background() never ends.
package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime/pprof"
	"sync/atomic"
	"time"
)

var finished atomic.Int64

func logWhenDone(ctx context.Context, path string) {
	<-ctx.Done()
	finished.Add(int64(len(path)))
}

func handler(w http.ResponseWriter, r *http.Request) {
	go logWhenDone(context.Background(), r.URL.Path)
	io.WriteString(w, "ok\n")
}

func main() {
	srv := httptest.NewServer(http.HandlerFunc(handler))
	for _, path := range []string{"/a", "/b", "/c"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			panic(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	srv.Close()
	time.Sleep(100 * time.Millisecond)
	writeProfiles()
}

// writeProfiles prints the goroutineleak profile (the goroutines the garbage
// collector proved can never run again) on stdout and the goroutine profile
// (every live goroutine) on stderr.
func writeProfiles() {
	if err := pprof.Lookup("goroutineleak").WriteTo(os.Stdout, 1); err != nil {
		panic(err)
	}
	if err := pprof.Lookup("goroutine").WriteTo(os.Stderr, 1); err != nil {
		panic(err)
	}
}
