package main

import (
	"log"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
)

// importBatch stores every non-empty record concurrently and waits for all
// of them.
func importBatch(records []string, store func(string)) int {
	var wg sync.WaitGroup // mark:import-wg
	var stored atomic.Int64
	for _, rec := range records {
		wg.Add(1) // mark:import-add
		go func() {
			if strings.TrimSpace(rec) == "" {
				return // mark:import-skip
			}
			store(rec)
			stored.Add(1)
			wg.Done() // mark:import-done
		}()
	}
	wg.Wait() // mark:import-wait
	return int(stored.Load())
}

// handleImport accepts a batch and imports it in the background.
func handleImport(w http.ResponseWriter, r *http.Request) {
	records := strings.Split(r.URL.Query().Get("records"), ",")
	go func() {
		n := importBatch(records, func(string) {})
		log.Printf("imported %d of %d records", n, len(records))
	}()
	w.WriteHeader(http.StatusAccepted)
}
