package tickernotstopped

import (
	"context"
	"log"
	"sync"
	"time"
)

// One ticker per worker, created inside each worker goroutine.
func startWorkers(ctx context.Context, n int, wg *sync.WaitGroup) {
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			report := time.NewTicker(10 * time.Second) // want `ticker .report. is never stopped`
			for {
				select {
				case <-ctx.Done():
					return
				case <-report.C:
					log.Println("worker", id, "alive")
				}
			}
		}(i)
	}
}

type cache struct {
	mu    sync.Mutex
	items map[string]time.Time
}

// A janitor goroutine started by a method.
func (c *cache) startJanitor(ctx context.Context, ttl time.Duration) {
	go func() {
		sweep := time.NewTicker(ttl) // want `ticker .sweep. is never stopped`
		for {
			select {
			case <-ctx.Done():
				return
			case now := <-sweep.C:
				c.mu.Lock()
				for k, at := range c.items {
					if now.Sub(at) > ttl {
						delete(c.items, k)
					}
				}
				c.mu.Unlock()
			}
		}
	}()
}

// A goroutine inside a goroutine.
func supervise(ctx context.Context, restart func()) {
	go func() {
		for ctx.Err() == nil {
			done := make(chan struct{})
			go func() {
				defer close(done)
				check := time.NewTicker(time.Second) // want `ticker .check. is never stopped`
				for range check.C {
					if ctx.Err() != nil {
						return
					}
				}
			}()
			<-done
			restart()
		}
	}()
}
