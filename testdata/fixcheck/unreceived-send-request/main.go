// Command unreceived-send-request serves quotes with a deadline: when the
// backend is slow the handler answers 504 and the goroutine asking the
// backend is left blocked on its send.
package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime/pprof"
	"time"
)

type quote struct {
	price float64
	err   error
}

func fetchPrice(symbol string) (float64, error) {
	time.Sleep(20 * time.Millisecond)
	return float64(len(symbol)) * 1.5, nil
}

func quoteHandler(w http.ResponseWriter, r *http.Request) {
	result := make(chan quote)
	go func() {
		price, err := fetchPrice(r.URL.Query().Get("symbol"))
		result <- quote{price, err}
	}()
	select {
	case q := <-result:
		if q.err != nil {
			http.Error(w, q.err.Error(), http.StatusBadGateway)
			return
		}
		fmt.Fprintf(w, "%.2f\n", q.price)
	case <-time.After(time.Millisecond):
		http.Error(w, "backend too slow", http.StatusGatewayTimeout)
	}
}

func main() {
	srv := httptest.NewServer(http.HandlerFunc(quoteHandler))
	for _, symbol := range []string{"GO", "RUST", "ZIG"} {
		resp, err := http.Get(srv.URL + "/?symbol=" + symbol)
		if err != nil {
			panic(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	srv.Close()
	time.Sleep(100 * time.Millisecond) // the backend calls finish and reach their send
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
