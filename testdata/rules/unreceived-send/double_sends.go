package unreceivedsend

// A shared reporter that forgets to return after the error: two goroutines use
// it and the owner takes one value from each, so an extra value is left behind.
func reportTwice(out chan error, err error) {
	if err != nil {
		out <- err
	}
	out <- nil // want `sending on .results. a second time: the send on line 7 does not return and .checkBoth. receives 2 times for 2 goroutines \(line 17\)`
}

func checkBoth(a, b func() error) {
	results := make(chan error)
	go func() {
		reportTwice(results, a())
	}()
	<-results
	go func() {
		reportTwice(results, b())
	}()
	<-results
}

// Enough receives for both values of both goroutines: nothing is left.
func checkBothDrained(a, b func() error) {
	results := make(chan error)
	go func() {
		reportTwice(results, a())
	}()
	go func() {
		reportTwice(results, b())
	}()
	for i := 0; i < 4; i++ {
		<-results
	}
}
