package unsentreceive

import (
	"context"
	"errors"
	"log"
	"os"
	"sync"
)

// Closed on every path by a defer.
func startDeferred() error {
	ready := make(chan struct{})
	defer close(ready)
	go func() {
		<-ready
		serve()
	}()
	return setup()
}

// Both branches send.
func bothBranches(ok bool) {
	done := make(chan bool)
	go func() {
		<-done
	}()
	if ok {
		done <- true
	} else {
		done <- false
	}
}

// The receiver also gives up on the context.
func ctxAware(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		select {
		case <-done:
		case <-ctx.Done():
		}
	}()
	if err := setup(); err != nil {
		return err
	}
	close(done)
	return nil
}

// Handed to code we cannot see.
func handedOff(register func(chan struct{})) error {
	done := make(chan struct{})
	go func() { <-done }()
	register(done)
	return setup()
}

// A receive loop belongs to other rules.
func loopReceiver(items []string) {
	work := make(chan string)
	go func() {
		for {
			log.Println(<-work)
		}
	}()
	for _, it := range items {
		work <- it
	}
}

// Returning before the goroutine exists leaks nothing.
func earlyBeforeGo(name string) error {
	if name == "" {
		return errors.New("no name")
	}
	done := make(chan struct{})
	go func() { <-done }()
	close(done)
	return nil
}

// Another goroutine does the signalling.
func otherSignaller() error {
	done := make(chan struct{})
	go func() { <-done }()
	go func() { close(done) }()
	return setup()
}

// A deferred function literal closes it.
func deferredLiteral() error {
	done := make(chan struct{})
	defer func() {
		close(done)
	}()
	go func() { <-done }()
	return setup()
}

// A helper of the file signals before every return.
func signal(ch chan<- struct{}) { close(ch) }

func helperSignals() error {
	done := make(chan struct{})
	go func() { <-done }()
	if err := setup(); err != nil {
		signal(done)
		return err
	}
	signal(done)
	return nil
}

// Closed first, returns after.
func closeThenReturn(ok bool) error {
	done := make(chan struct{})
	go func() { <-done }()
	close(done)
	if !ok {
		return errors.New("not ok")
	}
	return nil
}

// The failure path ends the process instead of returning.
func fatalPath() {
	done := make(chan struct{})
	go func() { <-done }()
	if err := setup(); err != nil {
		log.Fatal(err)
	}
	close(done)
}

// A non-blocking receive.
func nonBlocking() error {
	poke := make(chan struct{})
	go func() {
		select {
		case <-poke:
		default:
		}
	}()
	return setup()
}

// A switch with default where every case closes.
func everyCase(kind string) {
	ack := make(chan struct{})
	go func() { <-ack }()
	switch kind {
	case "a":
		close(ack)
	default:
		close(ack)
	}
}

// The owner itself waits; no goroutine is involved.
func ownerWaits() {
	done := make(chan struct{}, 1)
	done <- struct{}{}
	<-done
}

// The process exits on the other path.
func exitPath(ok bool) {
	done := make(chan struct{})
	go func() { <-done }()
	if !ok {
		os.Exit(1)
	}
	close(done)
}

// The select's other case sends on a channel nobody receives from, so it never
// wins: we take the send on this channel as the one that happens.
func sendEither(ready chan<- string) {
	done := make(chan bool)
	go func() { <-done }()
	select {
	case done <- true:
	case ready <- "spare":
	}
}

// A semaphore: each upload takes a slot before its goroutine starts and gives
// it back when done, so the goroutine's receive always finds its own value,
// even when the loop stops early on an error.
func uploadAll(files []string, upload func(string) error) error {
	slots := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for _, f := range files {
		if f == "" {
			return errors.New("empty file name")
		}
		slots <- struct{}{}
		wg.Add(1)
		go func(name string) {
			defer func() {
				<-slots
				wg.Done()
			}()
			_ = upload(name)
		}(f)
	}
	wg.Wait()
	return nil
}
