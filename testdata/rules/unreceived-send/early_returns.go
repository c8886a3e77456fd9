package unreceivedsend

import (
	"context"
	"errors"
	"log"
	"sync"
)

func validate(id string) error {
	if id == "" {
		return errors.New("empty id")
	}
	return nil
}

// An error return between the go statement and the receive.
func loadUser(id string) (string, error) {
	name := make(chan string)
	go func() {
		name <- fetch("/users/" + id) // want `.loadUser. can return without receiving \(line 24\)`
	}()
	if err := validate(id); err != nil {
		return "", err
	}
	return <-name, nil
}

// Nobody ever receives.
func fireAndForget(id string) {
	done := make(chan bool)
	go func() {
		log.Println(fetch(id))
		done <- true // want `goroutine blocks forever sending on .done.: nothing in .fireAndForget. receives from it`
	}()
}

// A named function of this file that sends on its parameter.
func lookup(key string, out chan<- string) {
	out <- fetch(key) // want `may block forever sending on .answer.`
}

func lookupOrDefault(ctx context.Context, key string) string {
	answer := make(chan string)
	go lookup(key, answer)
	select {
	case v := <-answer:
		return v
	case <-ctx.Done():
		return "default"
	}
}

// The channel passed into a literal's parameter.
func sizeOf(ctx context.Context, path string) (int, error) {
	sizes := make(chan int)
	go func(out chan<- int) {
		out <- len(fetch(path)) // want `may block forever sending on .sizes.`
	}(sizes)
	select {
	case n := <-sizes:
		return n, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// A deferred call in the sender: buffering would run it before the receive, so
// only the context fix is offered, and it needs review (the receiver returns early, not on ctx).
func auditEvent(ctx context.Context, wg *sync.WaitGroup, id string) error {
	ack := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		ack <- struct{}{} // want `may block forever sending on .ack.`
	}()
	if err := validate(id); err != nil {
		return err
	}
	<-ack
	return nil
}

// Work after the send: the buffer would change when it happens; ctx fix only.
func notifyThenLog(ctx context.Context) error {
	sent := make(chan string)
	go func() {
		sent <- "hello" // want `may block forever sending on .sent.`
		log.Println("delivered")
	}()
	select {
	case <-sent:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// `var` declarations are channels too.
func pingWithVar(ctx context.Context) bool {
	var pong = make(chan bool)
	go func() {
		pong <- true // want `may block forever sending on .pong.`
	}()
	select {
	case ok := <-pong:
		return ok
	case <-ctx.Done():
		return false
	}
}

// Nobody receives, and the function also returns early: still "nothing receives".
func notifyAll(ids []string) error {
	acks := make(chan bool)
	go func() {
		acks <- true // want `goroutine blocks forever sending on .acks.: nothing in .notifyAll. receives from it`
	}()
	if len(ids) == 0 {
		return errors.New("no ids")
	}
	return nil
}
