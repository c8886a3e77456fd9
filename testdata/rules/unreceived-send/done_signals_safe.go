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
