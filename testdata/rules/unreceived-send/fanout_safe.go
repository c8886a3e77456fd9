package unreceivedsend

import (
	"context"
	"errors"
	"strings"
	"sync"
)

// Receives once per goroutine, counting with the loop header.
func pingEvery(urls []string) []error {
	errc := make(chan error)
	for _, u := range urls {
		go func(u string) {
			errc <- ping(u)
		}(u)
	}
	var errs []error
	for i := 0; i < len(urls); i++ {
		errs = append(errs, <-errc)
	}
	return errs
}

// The fixed N-cast: a buffer for every goroutine.
func firstResponderBuffered(replicas []string) string {
	answers := make(chan string, len(replicas))
	for _, r := range replicas {
		go func(r string) {
			answers <- query(r)
		}(r)
	}
	return <-answers
}

// Stops once it has counted every answer.
func countAnswers(replicas []string) int {
	answers := make(chan string)
	for _, r := range replicas {
		go func(r string) {
			answers <- query(r)
		}(r)
	}
	n := 0
	for {
		<-answers
		n++
		if n == len(replicas) {
			return n
		}
	}
}

// Two goroutines, two receives.
func pair() (string, string) {
	ch := make(chan string)
	for i := 0; i < 2; i++ {
		go func(i int) {
			ch <- query(strings.Repeat("x", i))
		}(i)
	}
	a, b := <-ch, <-ch
	return a, b
}

// Only the shard that holds the key answers.
func owner(shards []shard, key string) shard {
	found := make(chan shard)
	for _, s := range shards {
		go func(s shard) {
			for _, k := range s.keys {
				if k == key {
					found <- s
				}
			}
		}(s)
	}
	return <-found
}

// The canonical fan-in: every result is received before returning.
func allErrors(tasks []func() error) []error {
	errs := make(chan error)
	var wg sync.WaitGroup
	for _, t := range tasks {
		wg.Add(1)
		go func(t func() error) {
			defer wg.Done()
			errs <- t()
		}(t)
	}
	go func() {
		wg.Wait()
		close(errs)
	}()
	var out []error
	for err := range errs {
		if err != nil {
			out = append(out, err)
		}
	}
	return out
}

// Stops at the first error but drains the rest before returning.
func firstErrorDrained(tasks []func() error) error {
	errs := make(chan error)
	for _, t := range tasks {
		go func(t func() error) {
			errs <- t()
		}(t)
	}
	var first error
	received := 0
	for err := range errs {
		received++
		if err != nil {
			first = err
			break
		}
	}
	for ; received < len(tasks); received++ {
		<-errs
	}
	return first
}

// A producer whose consumer reads until the channel is closed.
func upper(items []string) []string {
	out := make(chan string)
	go func() {
		defer close(out)
		for _, it := range items {
			out <- strings.ToUpper(it)
		}
	}()
	var got []string
	for v := range out {
		got = append(got, v)
	}
	return got
}

// The consumer leaves only when the channel is closed.
func upperOK(items []string) []string {
	out := make(chan string)
	go func() {
		defer close(out)
		for _, it := range items {
			out <- strings.ToUpper(it)
		}
	}()
	var got []string
	for {
		v, ok := <-out
		if !ok {
			return got
		}
		got = append(got, v)
	}
}

// The producer already gives up on done.
func (s *stream) forwardFixed(items []string) []string {
	out := make(chan string)
	go func() {
		defer close(out)
		for _, it := range items {
			select {
			case out <- it:
			case <-s.done:
				return
			}
		}
	}()
	var got []string
	for {
		select {
		case v, ok := <-out:
			if !ok {
				return got
			}
			got = append(got, v)
		case <-s.done:
			return got
		}
	}
}

// The error path returns after its send: one send per run.
func reportStatusFixed(status chan<- error, err error) {
	if err != nil {
		status <- err
		return
	}
	status <- nil
}

func runStepFixed(step func() error) error {
	status := make(chan error)
	go func() { reportStatusFixed(status, step()) }()
	return <-status
}

// Exactly one of the two sends runs.
func validateEither(cfg config) error {
	result := make(chan error)
	go func() {
		if cfg.name == "" {
			result <- errors.New("missing name")
		} else {
			result <- nil
		}
	}()
	return <-result
}

// Two sends, two receives.
func twoPhase(ctx context.Context) (string, string) {
	phases := make(chan string)
	go func() {
		phases <- "prepared"
		phases <- "committed"
	}()
	return <-phases, <-phases
}

// A channel per iteration, received in the same iteration.
func sequential(urls []string) []string {
	var out []string
	for _, u := range urls {
		ch := make(chan string)
		go func(u string) {
			ch <- fetch(u)
		}(u)
		out = append(out, <-ch)
	}
	return out
}

// Producers in a loop, consumer over a counted loop with no way out.
func sumAll(parts [][]int) int {
	sums := make(chan int)
	for _, p := range parts {
		go func(p []int) {
			total := 0
			for _, v := range p {
				total += v
			}
			sums <- total
		}(p)
	}
	total := 0
	for range parts {
		total += <-sums
	}
	return total
}

// The consumer returns only after the producer's channel is closed.
func joinAll(items []string) string {
	parts := make(chan string)
	go func() {
		defer close(parts)
		for _, it := range items {
			parts <- strings.TrimSpace(it)
		}
	}()
	var b strings.Builder
	for p := range parts {
		if p == "" {
			continue
		}
		b.WriteString(p)
	}
	return b.String()
}

// A select loop whose only return is on the closed channel.
func collectLogs(logs []string, flush func([]string)) []string {
	ch := make(chan string)
	go func() {
		defer close(ch)
		for _, l := range logs {
			ch <- l
		}
	}()
	var out []string
	for {
		select {
		case l, ok := <-ch:
			if !ok {
				return out
			}
			out = append(out, l)
		default:
			flush(out)
		}
	}
}

// A double send, but the owner receives twice in a loop.
func twoStatuses(step func() error) []error {
	status := make(chan error)
	go func() { reportStatus(status, step()) }()
	var out []error
	for i := 0; i < 2; i++ {
		out = append(out, <-status)
	}
	return out
}

// The helper also receives from the channel: not a plain sender, so the rule stays out.
func echo(ch chan string) {
	v := <-ch
	ch <- v
}

func roundTrip(v string) string {
	ch := make(chan string)
	go echo(ch)
	ch <- v
	return <-ch
}

// Three goroutines, three receives.
func triple() []string {
	ch := make(chan string)
	for i := 0; i < 3; i++ {
		go func(i int) {
			ch <- query(strings.Repeat("y", i))
		}(i)
	}
	return []string{<-ch, <-ch, <-ch}
}

// Goroutines in a loop that give up on the owner's context, which the owner cancels.
func fastestFixed(parent context.Context, n int) int {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	ch := make(chan int)
	for i := 0; i < n; i++ {
		go func(i int) {
			select {
			case ch <- probeWith(ctx, i):
			case <-ctx.Done():
			}
		}(i)
	}
	return <-ch
}

// A counted receive loop that skips some values but never leaves early.
func evens(nums []int) []int {
	ch := make(chan int)
	for _, n := range nums {
		go func(n int) {
			ch <- n
		}(n)
	}
	var out []int
	for range nums {
		v := <-ch
		if v%2 != 0 {
			continue
		}
		out = append(out, v)
	}
	return out
}

// Two sends in exclusive branches are one value: returning after it leaks nothing.
func outcome(run func() error, tick <-chan struct{}) error {
	ch := make(chan error)
	go func() {
		if err := run(); err != nil {
			ch <- err
		} else {
			ch <- nil
		}
	}()
	for {
		select {
		case err := <-ch:
			return err
		case <-tick:
		}
	}
}
