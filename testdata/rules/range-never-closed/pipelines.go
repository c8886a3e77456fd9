package rangenevercloses

import (
	"bufio"
	"fmt"
	"log"
	"os"
	"time"
)

func fetch(url string) string { return "body of " + url }

// One producer goroutine; the owner ranges over its output and never finishes.
func collectLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	var out []string
	for l := range lines { // want "`for range lines` never ends: nothing closes `lines`"
		out = append(out, l)
	}
	return out, nil
}

// A producer that gets the channel as a parameter.
func squares(n int) int {
	nums := make(chan int)
	go func(out chan<- int) {
		for i := range n {
			out <- i * i
		}
	}(nums)
	sum := 0
	for v := range nums { // want "`for range nums` never ends"
		sum += v
	}
	return sum
}

// Fan-in with one goroutine per URL and nobody to close the results.
func fetchAll(urls []string) []string {
	results := make(chan string)
	for _, u := range urls {
		go func() {
			results <- fetch(u)
		}()
	}
	var bodies []string
	for b := range results { // want "`for range results` never ends"
		bodies = append(bodies, b)
	}
	return bodies
}

// Filling a buffered queue and draining it in the same function.
func drainQueue(items []string) int {
	queue := make(chan string, len(items))
	for _, it := range items {
		queue <- it
	}
	n := 0
	for it := range queue { // want "`for range queue` never ends"
		n += len(it)
	}
	return n
}

// A batching writer that flushes on a ticker and on close, but nobody closes.
func batchWrites(records []string) {
	in := make(chan string)
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		var batch []string
		for {
			select {
			case r, ok := <-in: // want `goroutine waits for .in. to be closed`
				if !ok {
					fmt.Println("final flush", len(batch))
					return
				}
				batch = append(batch, r)
			case <-t.C:
				log.Println("flush", len(batch))
				batch = batch[:0]
			}
		}
	}()
	for _, r := range records {
		in <- r
	}
}
