package rangenevercloses

import (
	"context"
	"crypto/sha256"
	"io"
	"log"
	"net/http"
	"strings"
	"sync"
)

type Job struct {
	ID   int
	Path string
}

func handle(j Job) { log.Println("job", j.ID, j.Path) }

// A fixed pool of workers fed by the function that made the queue; it returns
// as soon as the last job is queued and the workers wait for more forever.
func processBatch(jobs []Job, workers int) {
	queue := make(chan Job)
	for range workers {
		go func() {
			for j := range queue { // want `goroutine ranges over .queue. forever: nothing closes it`
				handle(j)
			}
		}()
	}
	for _, j := range jobs {
		queue <- j
	}
}

// The same pool waiting for its workers: without a close, Wait never returns.
func resizeAll(paths []string) {
	work := make(chan string, len(paths))
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work { // want `goroutine ranges over .work. forever`
				log.Println("resize", p)
			}
		}()
	}
	for _, p := range paths {
		work <- p
	}
	wg.Wait()
}

// Workers declared as a function of the file.
func thumbnailWorker(id int, in <-chan Job) {
	for j := range in { // want `goroutine ranges over .pending. forever`
		log.Println("worker", id, "thumbnail", j.Path)
	}
}

func startThumbnails(jobs []Job) {
	pending := make(chan Job)
	for i := range 3 {
		go thumbnailWorker(i, pending)
	}
	for _, j := range jobs {
		pending <- j
	}
}

// Started with sync.WaitGroup.Go (Go 1.25).
func indexAll(docs []string) int {
	var mu sync.Mutex
	words := 0
	docsCh := make(chan string)
	var wg sync.WaitGroup
	wg.Go(func() {
		for d := range docsCh { // want `goroutine ranges over .docsCh. forever`
			mu.Lock()
			words += len(strings.Fields(d))
			mu.Unlock()
		}
	})
	for _, d := range docs {
		docsCh <- d
	}
	wg.Wait()
	return words
}

// An upload handler hashing chunks in the background.
func handleUpload(w http.ResponseWriter, r *http.Request) {
	chunks := make(chan []byte, 8)
	h := sha256.New()
	go func() {
		for c := range chunks { // want `goroutine ranges over .chunks. forever`
			h.Write(c)
		}
	}()
	buf := make([]byte, 4096)
	for {
		n, err := r.Body.Read(buf)
		if n > 0 {
			chunks <- append([]byte(nil), buf[:n]...)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
	}
	w.WriteHeader(http.StatusAccepted)
}

// A receive loop that stops only when the channel is closed.
func auditEvents(events []string) {
	audit := make(chan string)
	go func() {
		for {
			e, ok := <-audit // want `goroutine waits for .audit. to be closed, but nothing closes it`
			if !ok {
				return
			}
			log.Println("audit:", e)
		}
	}()
	for _, e := range events {
		audit <- e
	}
}

type Exporter struct {
	wg sync.WaitGroup
}

// The producer gives up on the context; the owner then waits through a field.
func (e *Exporter) export(ctx context.Context, spans []string) error {
	batch := make(chan string)
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		for s := range batch { // want `goroutine ranges over .batch. forever`
			log.Println("export", s)
		}
	}()
	for _, s := range spans {
		select {
		case batch <- s:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	e.wg.Wait()
	return nil
}

// A producer that gives up on the context and does not wait.
func publish(ctx context.Context, events []string) {
	out := make(chan string)
	go func() {
		for e := range out { // want `goroutine ranges over .out. forever`
			log.Println("publish", e)
		}
	}()
	for _, e := range events {
		select {
		case out <- e:
		case <-ctx.Done():
			return
		}
	}
}
