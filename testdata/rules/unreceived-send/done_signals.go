package unreceivedsend

// The signal comes before the send: once the owner sees it and returns, the
// send blocks.
func startThenReport(job func() error) error {
	errs := make(chan error)
	started := make(chan struct{})
	go func() {
		close(started)
		errs <- job() // want `goroutine may block forever sending on .errs.: .startThenReport. can return without receiving`
	}()
	select {
	case err := <-errs:
		return err
	case <-started:
		return nil
	}
}

// The signal speaks for one goroutine only: the other one's error may still be
// on its way when the owner leaves.
func twoStepsOneSignal(first, second func() error) error {
	errs := make(chan error)
	go func() {
		errs <- first() // want `goroutine may block forever sending on .errs.: .twoStepsOneSignal. can return without receiving`
	}()
	secondOK := make(chan struct{})
	go func() {
		if err := second(); err != nil {
			errs <- err // want `goroutine may block forever sending on .errs.: .twoStepsOneSignal. can return without receiving`
			return
		}
		close(secondOK)
	}()
	select {
	case err := <-errs:
		return err
	case <-secondOK:
		return nil
	}
}

// In a function literal, the message names it by its line.
var checkLater = func(job func() error) {
	errs := make(chan error)
	go func() {
		errs <- job() // want `nothing in the function literal at line 44 receives from it`
	}()
}
