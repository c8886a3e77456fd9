// Package unknown sits in a module whose go.mod has no go directive: the Go
// version the code targets is unknown, so nothing is reported.
package unknown

import "time"

func waitForJob(done func() bool, every time.Duration) {
	for range time.Tick(every) {
		if done() {
			return
		}
	}
}

func settle() {
	<-time.Tick(50 * time.Millisecond)
}
