// Command waitsvc is a small HTTP service whose handlers leave goroutines
// behind in four ways, used by leakls's tests of what runtime hot spots wait
// on. Each leaking goroutine blocks on a line marked `// mark:NAME`, and the
// lines of its partners are marked too. It prints "listening on ADDR" once it
// serves on a random 127.0.0.1 port.
package main

import (
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"time"
)

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	quotes := &QuoteClient{timeout: 5 * time.Millisecond, upstream: slowUpstream}
	sessions := NewSessionStore()
	http.HandleFunc("/quote", func(w http.ResponseWriter, r *http.Request) {
		price, err := quotes.Quote(r.URL.Query().Get("symbol"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusGatewayTimeout)
			return
		}
		fmt.Fprintln(w, price)
	})
	http.HandleFunc("/index", handleIndex)
	http.HandleFunc("/session", sessions.handleOpen)
	http.HandleFunc("/import", handleImport)
	fmt.Printf("listening on %s\n", ln.Addr())
	if err := http.Serve(ln, nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
