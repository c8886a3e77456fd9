package unsentreceive

import (
	"context"
	"errors"
	"log"
	"net"
	"net/http"
	"sync"
	"time"
)

func setup() error                     { return nil }
func serve()                           {}
func check(name string) error          { return nil }
func load(name string) ([]byte, error) { return nil, nil }

// The server goroutine waits for a ready signal that an error return skips.
func startServer() error {
	ready := make(chan struct{})
	go func() {
		<-ready // want `goroutine may block forever on .<-ready.: .startServer. can return without sending on or closing .ready. \(line 26\)`
		serve()
	}()
	if err := setup(); err != nil {
		return err
	}
	ready <- struct{}{}
	return nil
}

// A watchdog that closes the connection once the exchange is over; the
// handshake error path never tells it.
func exchange(conn net.Conn) error {
	done := make(chan struct{})
	go func() {
		defer conn.Close()
		<-done // want `goroutine may block forever on .<-done.: .exchange. can return`
	}()
	if _, err := conn.Write([]byte("HELLO\n")); err != nil {
		return err
	}
	buf := make([]byte, 64)
	if _, err := conn.Read(buf); err != nil {
		return err
	}
	close(done)
	return nil
}

// Nothing ever signals the goroutine.
func watchShutdown(srv *http.Server) {
	stop := make(chan struct{})
	go func() {
		<-stop // want `goroutine blocks forever on .<-stop.: nothing in .watchShutdown. sends on or closes .stop.`
		log.Println("shutting down", srv.Addr)
	}()
	log.Println("serving", srv.Addr)
}

// A return inside a loop skips the close after it.
func validateAll(names []string) error {
	finished := make(chan bool)
	go func() {
		<-finished // want `goroutine may block forever on .<-finished.: .validateAll. can return without sending on or closing .finished. \(line 70\)`
		log.Println("validation finished")
	}()
	for _, n := range names {
		if err := check(n); err != nil {
			return err
		}
	}
	close(finished)
	return nil
}

// Only the success branch sends, and the function then runs off its end.
func commit(tx []string, ok bool) {
	committed := make(chan bool)
	go func() {
		<-committed // want `goroutine may block forever on .<-committed.: .commit. can return`
		log.Println("published", len(tx))
	}()
	if ok {
		committed <- true
	}
}

// The receiver uses the value: not a signal channel, so no close fix.
func loadConfig(name string) ([]byte, error) {
	errc := make(chan error)
	go func() {
		if err := <-errc; err != nil { // want `goroutine may block forever on .<-errc.: .loadConfig. can return`
			log.Println("config error:", err)
		}
	}()
	data, err := load(name)
	if len(data) == 0 {
		return nil, errors.New("empty config")
	}
	errc <- err
	return data, err
}

// A goroutine function declared in the file.
func flushWhen(sig <-chan struct{}, buf *[]string) {
	<-sig // want `goroutine may block forever on .<-sig.: .writeBatch. can return`
	log.Println("flush", len(*buf))
}

func writeBatch(lines []string) error {
	flush := make(chan struct{})
	go flushWhen(flush, &lines)
	if len(lines) == 0 {
		return errors.New("nothing to write")
	}
	flush <- struct{}{}
	return nil
}

// Started with sync.WaitGroup.Go; the timeout case leaves without releasing it.
func release(ctx context.Context, wg *sync.WaitGroup) error {
	start := make(chan struct{})
	wg.Go(func() {
		<-start // want `goroutine may block forever on .<-start.: .release. can return`
	})
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(time.Second):
	}
	close(start)
	return nil
}

// An HTTP handler that records a metric once the response is written.
func handleOrder(w http.ResponseWriter, r *http.Request) {
	written := make(chan struct{})
	begin := time.Now()
	go func() {
		<-written // want `goroutine may block forever on .<-written.: .handleOrder. can return`
		log.Println("order took", time.Since(begin))
	}()
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	w.WriteHeader(http.StatusCreated)
	written <- struct{}{}
}

// A var declaration and a buffered channel.
func warmCache(keys []string) error {
	var warmed = make(chan struct{}, 1)
	go func() {
		<-warmed // want `goroutine may block forever on .<-warmed.`
	}()
	for _, k := range keys {
		if k == "" {
			return errors.New("empty key")
		}
	}
	warmed <- struct{}{}
	return nil
}

// A switch without default: an unknown kind sends nothing.
func dispatch(kind string) {
	ack := make(chan struct{})
	go func() {
		<-ack // want `goroutine may block forever on .<-ack.: .dispatch. can return`
		log.Println("acknowledged")
	}()
	switch kind {
	case "email":
		ack <- struct{}{}
	case "sms":
		ack <- struct{}{}
	}
}

// A receive in a select whose only case is this channel.
func awaitLease(ttl time.Duration) error {
	lease := make(chan struct{})
	go func() {
		select {
		case <-lease: // want `goroutine may block forever on .<-lease.`
		}
	}()
	if ttl <= 0 {
		return errors.New("bad ttl")
	}
	close(lease)
	return nil
}
