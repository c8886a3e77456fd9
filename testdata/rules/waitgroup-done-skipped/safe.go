package waitgroupdoneskipped

import (
	"context"
	"log"
	"sync"
)

// Deferred first: every path marks the goroutine done.
func ProcessDeferred(items []Item) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func(it Item) {
			defer wg.Done()
			if it.ID == "" {
				return
			}
			_ = process(it)
		}(it)
	}
	wg.Wait()
}

// Both branches call Done.
func ProcessBranches(items []Item) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func(it Item) {
			if err := process(it); err != nil {
				log.Println(err)
				wg.Done()
				return
			}
			wg.Done()
		}(it)
	}
	wg.Wait()
}

// Done inside a deferred closure.
func ProcessRecover(items []Item) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func(it Item) {
			defer func() {
				if r := recover(); r != nil {
					log.Println("recovered", r)
				}
				wg.Done()
			}()
			if it.ID == "" {
				return
			}
			_ = process(it)
		}(it)
	}
	wg.Wait()
}

func fail(wg *sync.WaitGroup, err error) {
	log.Println(err)
	wg.Done()
}

// The early path hands the WaitGroup to a helper that may call Done.
func ProcessHelper(items []Item) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func(it Item) {
			if err := process(it); err != nil {
				fail(&wg, err)
				return
			}
			wg.Done()
		}(it)
	}
	wg.Wait()
}

// Not a WaitGroup: a type of its own with a Done method.
type tracker struct{ n int }

func (t *tracker) Done() { t.n-- }

func Track(items []Item) {
	t := &tracker{n: len(items)}
	for _, it := range items {
		go func(it Item) {
			if it.ID == "" {
				return
			}
			t.Done()
		}(it)
	}
}

// A WaitGroup whose type this file cannot see.
type external interface {
	Add(int)
	Done()
	Wait()
}

func Delegate(wg external, items []Item) {
	for _, it := range items {
		wg.Add(1)
		go func(it Item) {
			if it.ID == "" {
				return
			}
			wg.Done()
		}(it)
	}
	wg.Wait()
}

// A path that panics is not a path that returns.
func ProcessMust(items []Item) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func(it Item) {
			if it.Size < 0 {
				panic("negative size for " + it.ID)
			}
			_ = process(it)
			wg.Done()
		}(it)
	}
	wg.Wait()
}

// Done once per job, counted per job.
func Consume(jobs <-chan Item, n int) {
	var wg sync.WaitGroup
	wg.Add(n)
	go func() {
		for it := range jobs {
			_ = process(it)
			wg.Done()
		}
	}()
	wg.Wait()
}

// Wait after the loop.
func UploadAll(items []Item) {
	var wg sync.WaitGroup
	wg.Add(len(items))
	for _, it := range items {
		go func(it Item) {
			defer wg.Done()
			_ = process(it)
		}(it)
	}
	wg.Wait()
}

// Batches: each iteration adds its own count and waits for it.
func UploadBatches(batches [][]Item) {
	var wg sync.WaitGroup
	for _, batch := range batches {
		wg.Add(len(batch))
		for _, it := range batch {
			go func(it Item) {
				defer wg.Done()
				_ = process(it)
			}(it)
		}
		wg.Wait()
	}
}

// One goroutine at a time, on purpose: Add inside the loop.
func Sequential(items []Item) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func(it Item) {
			defer wg.Done()
			_ = process(it)
		}(it)
		wg.Wait()
	}
}

// Wait only after the last iteration.
func UploadLast(items []Item) {
	var wg sync.WaitGroup
	wg.Add(len(items))
	for i, it := range items {
		go func(it Item) {
			defer wg.Done()
			_ = process(it)
		}(it)
		if i == len(items)-1 {
			wg.Wait()
		}
	}
}

// A helper with a conditional Done that nothing starts as a goroutine.
func release(wg *sync.WaitGroup, ok bool) {
	if !ok {
		return
	}
	wg.Done()
}

// A goroutine that returns only after cancellation, with Done deferred.
func (p *Pool) Serve(ctx context.Context) {
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			select {
			case <-ctx.Done():
				return
			case it := <-p.jobs:
				_ = process(it)
			}
		}
	}()
}

// The early path calls a method that marks the goroutine done.
func (p *Pool) finish() { p.wg.Done() }

func (p *Pool) RunOne(it Item) {
	p.wg.Add(1)
	go func() {
		if it.ID == "" {
			p.finish()
			return
		}
		_ = process(it)
		p.wg.Done()
	}()
}

// Done is called, in a goroutine: Wait returns.
func doneElsewhere(work func()) {
	var finished sync.WaitGroup
	finished.Add(1)
	go func() {
		defer finished.Done()
		work()
	}()
	finished.Wait()
}

// Handed to a function that may call Done.
func handedOver(start func(*sync.WaitGroup)) {
	var started sync.WaitGroup
	started.Add(1)
	start(&started)
	started.Wait()
}

// Lowered with a negative Add.
func lowered() {
	var gate sync.WaitGroup
	gate.Add(1)
	gate.Add(-1)
	gate.Wait()
}
