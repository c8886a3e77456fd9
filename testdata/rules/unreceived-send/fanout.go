package unreceivedsend

import (
	"context"
	"errors"
	"log"
	"sync"
)

func query(replica string) string { return replica }

func ping(url string) error {
	if url == "" {
		return errors.New("empty url")
	}
	return nil
}

// LeakProf "N-cast": the first replica to answer wins, the others block forever.
func firstResponder(replicas []string) string {
	answers := make(chan string)
	for _, r := range replicas {
		go func(r string) {
			answers <- query(r) // want `goroutine may block forever sending on .answers.: .firstResponder. receives only once from the goroutines started in a loop \(line 27\)`
		}(r)
	}
	return <-answers
}

// The LeakProf shape with an untyped item list and empty struct values.
func nCast(items []any) {
	ch := make(chan struct{})
	for range items {
		go func() {
			ch <- struct{}{} // want `.nCast. receives only once from the goroutines started in a loop`
		}()
	}
	<-ch
}

// Returns on the first error; the remaining pings block.
func pingAll(urls []string) error {
	errc := make(chan error)
	for _, u := range urls {
		go func(u string) {
			errc <- ping(u) // want `.pingAll. can stop receiving while values are still being sent \(line 51\)`
		}(u)
	}
	for range urls {
		if err := <-errc; err != nil {
			return err
		}
	}
	return nil
}

type result struct {
	value string
	err   error
}

// Collects results but gives up on the first failure.
func fetchAll(paths []string) ([]string, error) {
	results := make(chan result)
	for _, p := range paths {
		go func(p string) {
			results <- result{value: fetch(p)} // want `.fetchAll. can stop receiving`
		}(p)
	}
	var out []string
	for i := 0; i < len(paths); i++ {
		r := <-results
		if r.err != nil {
			return nil, r.err
		}
		out = append(out, r.value)
	}
	return out, nil
}

// Health checks kept in a map; the first failure ends the wait.
func checkAll(checks map[string]func() error) error {
	failures := make(chan error)
	for name, check := range checks {
		go func(name string, check func() error) {
			failures <- check() // want `.checkAll. can stop receiving`
		}(name, check)
	}
	for range checks {
		if err := <-failures; err != nil {
			return err
		}
	}
	return nil
}

func probe(i int) int { return i }

func probeWith(ctx context.Context, i int) int {
	if ctx.Err() != nil {
		return -1
	}
	return i
}

// A counted loop of probes: no slice to size a buffer by, so only the context fix, for review.
func fastestProbe(ctx context.Context, n int) int {
	ch := make(chan int)
	for i := 0; i < n; i++ {
		go func(i int) {
			ch <- probe(i) // want `.fastestProbe. receives only once`
		}(i)
	}
	return <-ch
}

// The owner derives the context and cancels it on return: the context fix is sound.
func fastestCancelled(parent context.Context, n int) int {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	ch := make(chan int)
	for i := 0; i < n; i++ {
		go func(i int) {
			ch <- probeWith(ctx, i) // want `.fastestCancelled. receives only once`
		}(i)
	}
	return <-ch
}

// Workers that report through a WaitGroup: the deferred Done rules out the buffer fix.
func firstDone(ctx context.Context, jobs []string, wg *sync.WaitGroup) string {
	done := make(chan string)
	for _, j := range jobs {
		wg.Add(1)
		go func(j string) {
			defer wg.Done()
			done <- fetch(j) // want `.firstDone. receives only once`
		}(j)
	}
	return <-done
}

// The canonical WaitGroup-and-close fan-in, leaking when the loop returns early.
func firstError(tasks []func() error) error {
	errs := make(chan error)
	var wg sync.WaitGroup
	for _, t := range tasks {
		wg.Add(1)
		go func(t func() error) {
			defer wg.Done()
			errs <- t() // want `.firstError. can stop receiving`
		}(t)
	}
	go func() {
		wg.Wait()
		close(errs)
	}()
	for err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

type shard struct{ keys []string }

type index struct{ shards []shard }

// Ranging over a field: its length at the make is not known to be the goroutine count.
func (ix *index) anyShard(key string) bool {
	found := make(chan bool)
	for _, s := range ix.shards {
		go func(s shard) {
			found <- len(s.keys) > 0 // want `.anyShard. receives only once`
		}(s)
	}
	return <-found
}

// A local slice built before the channel.
func resolveFirst(hosts string) string {
	names := []string{hosts + ":a", hosts + ":b"}
	addrs := make(chan string)
	for _, n := range names {
		go func(n string) {
			addrs <- query(n) // want `.resolveFirst. receives only once`
		}(n)
	}
	return <-addrs
}

// LeakProf "early return", as in the runtime's test data.
func earlyReturn(err error) {
	ch := make(chan any)
	go func() {
		ch <- struct{}{} // want `.earlyReturn. can return without receiving \(line 200\)`
	}()
	if err != nil {
		return
	}
	<-ch
}

// LeakProf "timeout": the select has no return, the function just ends.
func timeout(ctx context.Context) {
	ch := make(chan any)
	go func() {
		ch <- struct{}{} // want `.timeout. can return without receiving`
	}()
	select {
	case <-ch:
		log.Println("received")
	case <-ctx.Done():
		log.Println("cancelled")
	}
}
