package rangenevercloses

import (
	"context"
	"log"
	"sync"
)

// The owner closes the queue when it returns.
func processClosed(jobs []Job) {
	queue := make(chan Job)
	defer close(queue)
	for range 4 {
		go func() {
			for j := range queue {
				handle(j)
			}
		}()
	}
	for _, j := range jobs {
		queue <- j
	}
}

// Closed after the last send, before waiting.
func resizeClosed(paths []string) {
	work := make(chan string)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				log.Println(p)
			}
		}()
	}
	for _, p := range paths {
		work <- p
	}
	close(work)
	wg.Wait()
}

// Fan-in with a closer goroutine.
func fetchAllClosed(urls []string) []string {
	results := make(chan string)
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results <- fetch(u)
		}()
	}
	go func() {
		wg.Wait()
		close(results)
	}()
	var out []string
	for r := range results {
		out = append(out, r)
	}
	return out
}

// A generator: the caller gets the channel and the duty to drain it.
func generate(n int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for i := range n {
			out <- i
		}
	}()
	return out
}

// Handed to code we cannot see.
func handOff(consume func(<-chan string)) {
	lines := make(chan string)
	go func() {
		for l := range lines {
			log.Println(l)
		}
	}()
	consume(lines)
}

// The consumer counts its way out: no close is needed.
func countedReplies(urls []string) []string {
	replies := make(chan string)
	for _, u := range urls {
		go func() { replies <- fetch(u) }()
	}
	var out []string
	for r := range replies {
		out = append(out, r)
		if len(out) == len(urls) {
			break
		}
	}
	return out
}

// A receive loop with a second way out.
func eventsUntilCancelled(ctx context.Context, events []string) {
	ch := make(chan string)
	go func() {
		for {
			select {
			case e, ok := <-ch:
				if !ok {
					return
				}
				log.Println(e)
			case <-ctx.Done():
				return
			}
		}
	}()
	for _, e := range events {
		select {
		case ch <- e:
		case <-ctx.Done():
			return
		}
	}
}

// Closed by a helper of this file.
func finish(ch chan<- Job) { close(ch) }

func processWithHelper(jobs []Job) {
	queue := make(chan Job)
	go func() {
		for j := range queue {
			handle(j)
		}
	}()
	for _, j := range jobs {
		queue <- j
	}
	finish(queue)
}

// Ranging over a parameter: the caller owns the channel.
func consumeAll(in <-chan Job) {
	go func() {
		for j := range in {
			handle(j)
		}
	}()
}

// Closed from a callback.
func closedByCallback(register func(func()), jobs []Job) {
	queue := make(chan Job, len(jobs))
	register(func() { close(queue) })
	go func() {
		for j := range queue {
			handle(j)
		}
	}()
	for _, j := range jobs {
		queue <- j
	}
}

// Stored where we cannot follow it.
func registerQueue(byName map[string]chan Job) {
	q := make(chan Job)
	byName["default"] = q
	go func() {
		for j := range q {
			handle(j)
		}
	}()
}

// A producer goroutine that closes what it produces.
func producerCloses() int {
	nums := make(chan int)
	go func() {
		defer close(nums)
		for i := range 10 {
			nums <- i
		}
	}()
	total := 0
	for v := range nums {
		total += v
	}
	return total
}

// The producer is a function of this file that closes its output.
func produceInto(out chan<- int, n int) {
	defer close(out)
	for i := range n {
		out <- i
	}
}

func sumProduced(n int) int {
	nums := make(chan int)
	go produceInto(nums, n)
	total := 0
	for v := range nums {
		total += v
	}
	return total
}

// Closed on the cancellation path of the producing loop, and after it.
func streamUntilCancelled(ctx context.Context, items []string) {
	ch := make(chan string)
	go func() {
		for it := range ch {
			log.Println(it)
		}
	}()
	for _, it := range items {
		select {
		case <-ctx.Done():
			close(ch)
			return
		case ch <- it:
		}
	}
	close(ch)
}

// A range over a slice of channels' values is not a channel range.
func fanOut(workers []chan Job, jobs []Job) {
	for i, j := range jobs {
		workers[i%len(workers)] <- j
	}
}
