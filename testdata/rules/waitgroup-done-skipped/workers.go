package waitgroupdoneskipped

import (
	"context"
	"errors"
	"log"
	"net/http"
	"sync"
)

type Item struct {
	ID   string
	Size int
}

func process(it Item) error {
	if it.Size < 0 {
		return errors.New("negative size")
	}
	return nil
}

// Items without an ID return before Done: Wait never returns.
func ProcessAll(items []Item) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func(it Item) {
			if it.ID == "" {
				return
			}
			if err := process(it); err != nil {
				log.Println(err)
			}
			wg.Done() // want `goroutine can return \(line 30\) without calling .wg.Done\(\).: .wg.Wait\(\). then blocks forever`
		}(it)
	}
	wg.Wait()
}

// An error path returns early.
func ProcessStrict(items []Item) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func() {
			if err := process(it); err != nil {
				log.Println(err)
				return
			}
			log.Println("processed", it.ID)
			wg.Done() // want `goroutine can return \(line 49\) without calling .wg.Done\(\).`
		}()
	}
	wg.Wait()
}

// A worker function started with go, stopping early on a poison item.
func worker(wg *sync.WaitGroup, jobs <-chan Item) {
	for it := range jobs {
		if it.Size == -1 {
			return
		}
		_ = process(it)
	}
	wg.Done() // want `goroutine can return \(line 62\) without calling .wg.Done\(\).`
}

func RunWorkers(n int, jobs <-chan Item) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go worker(&wg, jobs)
	}
	wg.Wait()
}

type Pool struct {
	wg   sync.WaitGroup
	jobs chan Item
	errs []error
	mu   sync.Mutex
}

func (p *Pool) record(err error) {
	p.mu.Lock()
	p.errs = append(p.errs, err)
	p.mu.Unlock()
}

// A method started as a goroutine, with the WaitGroup in a field.
func (p *Pool) loop() {
	for it := range p.jobs {
		if err := process(it); err != nil {
			p.record(err)
			return
		}
	}
	p.wg.Done() // want `goroutine can return \(line 96\) without calling .p.wg.Done\(\).`
}

func (p *Pool) Start(n int) {
	for i := 0; i < n; i++ {
		p.wg.Add(1)
		go p.loop()
	}
}

// Done only when the fetch worked: the goroutine can reach its end without it.
func FetchAll(urls []string) []string {
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		out []string
	)
	for _, u := range urls {
		wg.Add(1)
		go func(u string) {
			resp, err := http.Head(u)
			if err == nil {
				resp.Body.Close()
				mu.Lock()
				out = append(out, u)
				mu.Unlock()
				wg.Done() // want `goroutine can reach its end \(line 127\) without calling .wg.Done\(\).`
			}
		}(u)
	}
	wg.Wait()
	return out
}

// A switch case returns before Done.
func Classify(items []Item, small, large chan<- Item) {
	wg := &sync.WaitGroup{}
	for _, it := range items {
		wg.Add(1)
		go func(it Item) {
			switch {
			case it.Size == 0:
				return
			case it.Size < 1024:
				small <- it
			default:
				large <- it
			}
			wg.Done() // want `goroutine can return \(line 141\) without calling .wg.Done\(\).`
		}(it)
	}
	wg.Wait()
}

// A select gives up on cancellation before Done.
func Forward(ctx context.Context, items []Item, out chan<- Item) {
	wg := new(sync.WaitGroup)
	for _, it := range items {
		wg.Add(1)
		go func(it Item) {
			select {
			case <-ctx.Done():
				return
			case out <- it:
			}
			wg.Done() // want `goroutine can return \(line 161\) without calling .wg.Done\(\).`
		}(it)
	}
	wg.Wait()
}

// The WaitGroup passed as a parameter of the literal.
func Resize(items []Item) {
	var group sync.WaitGroup
	for i := range items {
		group.Add(1)
		go func(wg *sync.WaitGroup, it *Item) {
			if it.Size > 1<<20 {
				log.Println("too large", it.ID)
				return
			}
			it.Size *= 2
			wg.Done() // want `goroutine can return \(line 178\) without calling .wg.Done\(\).`
		}(&group, &items[i])
	}
	group.Wait()
}

// Two Done calls, one path without: no safe rewrite, but still a leak.
func Validate(items []Item) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func(it Item) {
			if it.ID == "skip" {
				wg.Done() // want `goroutine can return \(line 198\) without calling .wg.Done\(\).`
				return
			}
			if it.Size < 0 {
				return
			}
			_ = process(it)
			wg.Done()
		}(it)
	}
	wg.Wait()
}

var pending sync.WaitGroup

// A package-level WaitGroup.
func Enqueue(it Item) {
	pending.Add(1)
	go func() {
		if err := process(it); err != nil {
			return
		}
		pending.Done() // want `goroutine can return \(line 214\) without calling .pending.Done\(\).`
	}()
}

// Add counts all items, then the loop waits after starting one worker method.
func (p *Pool) Drain(items []Item) {
	p.wg.Add(len(items))
	for i := range items {
		go p.one(items[i])
		p.wg.Wait() // want `.p.wg.Wait\(\). inside the loop that starts the goroutines blocks forever`
	}
}

func (p *Pool) one(it Item) {
	defer p.wg.Done()
	if err := process(it); err != nil {
		p.record(err)
	}
}

// The deferred Done is registered after the early return.
func Compress(items []Item) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func(it Item) {
			if it.Size == 0 {
				return
			}
			defer wg.Done() // want `goroutine can return \(line [0-9]+\) without calling .wg.Done\(\).`
			_ = process(it)
		}(it)
	}
	wg.Wait()
}

// Done only when the input closes: cancellation returns without it. The fix
// needs review here, since Done would now run after the deferred log line.
func consume(ctx context.Context, wg *sync.WaitGroup, in <-chan Item) {
	defer log.Println("consumer stopped")
	for {
		select {
		case <-ctx.Done():
			return
		case it, ok := <-in:
			if !ok {
				wg.Done() // want `goroutine can return \(line [0-9]+\) without calling .wg.Done\(\).`
				return
			}
			_ = process(it)
		}
	}
}

func StartConsumers(ctx context.Context, n int, in <-chan Item) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go consume(ctx, &wg, in)
	}
	wg.Wait()
}
