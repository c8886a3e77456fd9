package unreceivedsend

import "errors"

// The goroutine either reports an error and returns, or closes `finished`: when
// `finished` is closed there is no value left to receive.
func runOrReport(job func() error) error {
	errs := make(chan error)
	finished := make(chan struct{})
	go func() {
		if err := job(); err != nil {
			errs <- err
			return
		}
		close(finished)
	}()
	select {
	case err := <-errs:
		return err
	case <-finished:
		return nil
	}
}

// Closed in a defer: `finished` closes only after the goroutine's send, if any,
// has been received, so there is nothing left to receive when it is seen.
func runDeferredSignal(job func() error) error {
	errs := make(chan error)
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		if err := job(); err != nil {
			errs <- err
		}
	}()
	select {
	case err := <-errs:
		return err
	case <-finished:
		return nil
	}
}

// Two goroutines send at most one error each. The first receive takes one of
// them; then either the other error arrives, or the second goroutine says it
// will not send.
func raceTwo(first, second func() error) error {
	errs := make(chan error)
	go func() {
		if err := first(); err != nil {
			errs <- err
			return
		}
	}()
	secondOK := make(chan struct{})
	go func() {
		if err := second(); err != nil {
			errs <- err
			return
		}
		close(secondOK)
	}()
	err := <-errs
	if err == nil {
		return errors.New("no error from the first step")
	}
	select {
	case err2 := <-errs:
		return errors.Join(err, err2)
	case <-secondOK:
	}
	return err
}

// Each run of the lookup sends exactly one value, on one of the two channels,
// and returns: whichever case fires, nothing is left to send.
func lookupOnce(find func() (string, error)) (string, error) {
	errc := make(chan error)
	found := make(chan string)
	go func() {
		v, err := find()
		if err != nil {
			errc <- err
			return
		}
		found <- v
	}()
	select {
	case err := <-errc:
		return "", err
	case v := <-found:
		return v, nil
	}
}

// Both producers close their channel when done; the loop returns only once
// the flags it keeps from each receive's `ok` say both are closed.
func mergeUntilClosed(a, b func() []string) []string {
	left := make(chan string)
	right := make(chan string)
	go func() {
		defer close(left)
		for _, v := range a() {
			left <- v
		}
	}()
	go func() {
		defer close(right)
		for _, v := range b() {
			right <- v
		}
	}()
	var out []string
	var leftDone, rightDone bool
	for {
		if leftDone && rightDone {
			return out
		}
		select {
		case v, ok := <-left:
			leftDone = !ok
			if ok {
				out = append(out, v)
			}
		case v, ok := <-right:
			rightDone = !ok
			if ok {
				out = append(out, v)
			}
		}
	}
}

// The reader reports its read error and returns: once the session has the
// error, the reader is gone, and every message it sent before was received.
func serveSession(read func() (string, error), handle func(string)) error {
	messages := make(chan string)
	errs := make(chan error)
	go readMessages(read, messages, errs)
	for {
		select {
		case m := <-messages:
			handle(m)
		case err := <-errs:
			return err
		}
	}
}

func readMessages(read func() (string, error), messages chan<- string, errs chan<- error) {
	for {
		m, err := read()
		if err != nil {
			errs <- err
			return
		}
		messages <- m
	}
}
