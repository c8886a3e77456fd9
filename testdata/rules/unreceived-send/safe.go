package unreceivedsend

import (
	"context"
	"time"
)

// Buffered with room for the one value: the sender always finishes.
func bufferedTimeout(url string) (string, error) {
	result := make(chan string, 1)
	go func() {
		result <- fetch(url)
	}()
	select {
	case body := <-result:
		return body, nil
	case <-time.After(time.Second):
		return "", context.DeadlineExceeded
	}
}

// The receiver always receives.
func alwaysReceives(url string) string {
	result := make(chan string)
	go func() {
		result <- fetch(url)
	}()
	return <-result
}

// The sender itself gives up on the context.
func ctxAwareSender(ctx context.Context, url string) (string, error) {
	result := make(chan string)
	go func() {
		select {
		case result <- fetch(url):
		case <-ctx.Done():
		}
	}()
	select {
	case body := <-result:
		return body, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// A select in a loop whose other case does not leave: the receive comes later.
func waitWithHeartbeat(url string) string {
	result := make(chan string)
	go func() {
		result <- fetch(url)
	}()
	beat := time.NewTicker(time.Second)
	defer beat.Stop()
	for {
		select {
		case body := <-result:
			return body
		case <-beat.C:
			println("still waiting")
		}
	}
}

// The channel is handed to someone else: we cannot see who receives.
func handOff(consume func(<-chan string)) {
	results := make(chan string)
	go func() {
		results <- fetch("/a")
	}()
	consume(results)
}

// A generator: the caller receives.
func generate() <-chan int {
	out := make(chan int)
	go func() {
		out <- 42
	}()
	return out
}

// Another goroutine receives.
func relay(sink func(string)) {
	pipe := make(chan string)
	go func() {
		pipe <- fetch("/b")
	}()
	go func() {
		sink(<-pipe)
	}()
}

// Returning before the goroutine starts leaks nothing.
func earlyReturnBeforeGo(id string) (string, error) {
	if err := validate(id); err != nil {
		return "", err
	}
	name := make(chan string)
	go func() {
		name <- fetch(id)
	}()
	return <-name, nil
}

// The timeout case drains the channel before returning.
func drainOnTimeout() string {
	result := make(chan string)
	go func() {
		result <- fetch("/slow")
	}()
	select {
	case body := <-result:
		return body
	case <-time.After(time.Second):
		<-result
		return "late"
	}
}

// The goroutine closes instead of sending: close never blocks.
func closeSignal(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = fetch("/work")
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// The literal's parameter shadows the outer channel name.
func shadowed(other chan int) int {
	ch := make(chan int)
	go func(ch chan int) {
		ch <- 1
	}(other)
	go func() {
		ch <- 2
	}()
	return <-ch
}

// Receives once per sender, with no way out.
func gatherAll(urls []string) []string {
	results := make(chan string)
	for _, u := range urls {
		go func(u string) {
			results <- fetch(u)
		}(u)
	}
	var out []string
	for range urls {
		out = append(out, <-results)
	}
	return out
}

// A sender whose only send is already in a select with a default.
func tryNotify() {
	note := make(chan string)
	go func() {
		select {
		case note <- "hi":
		default:
		}
	}()
	time.Sleep(time.Millisecond)
}
