package main

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Indexer counts the terms of documents with a fixed set of workers fed
// through jobs.
type Indexer struct {
	jobs  chan document
	mu    sync.Mutex
	terms map[string]int
}

type document struct {
	id   string
	body string
}

// NewIndexer starts workers goroutines that index what Submit hands them.
func NewIndexer(workers int) *Indexer {
	ix := &Indexer{jobs: make(chan document), terms: make(map[string]int)} // mark:index-make
	for i := 0; i < workers; i++ {
		go ix.worker()
	}
	return ix
}

func (ix *Indexer) worker() {
	for doc := range ix.jobs { // mark:index-range
		ix.add(doc)
	}
}

func (ix *Indexer) add(doc document) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for _, term := range strings.Fields(doc.body) {
		ix.terms[term]++
	}
}

// Submit hands a document to a worker.
func (ix *Indexer) Submit(doc document) {
	ix.jobs <- doc // mark:index-send
}

// handleIndex indexes the request's documents with an indexer of its own,
// which it never closes: its workers stay behind.
func handleIndex(w http.ResponseWriter, r *http.Request) {
	ix := NewIndexer(2)
	for i, body := range strings.Split(r.URL.Query().Get("docs"), ",") {
		ix.Submit(document{id: strconv.Itoa(i), body: body})
	}
	fmt.Fprintln(w, "indexed")
}
