// Command unsent-receive runs jobs with a watcher goroutine that releases the
// job's slot when the job finishes; a failing job never tells the watcher.
package main

import (
	"errors"
	"fmt"
	"os"
	"runtime/pprof"
	"sync/atomic"
	"time"
)

var slotsInUse atomic.Int64

func step(id int) error {
	if id%2 == 0 {
		return errors.New("step failed")
	}
	return nil
}

func runJob(id int) error {
	finished := make(chan struct{})
	slotsInUse.Add(1)
	go func() {
		defer slotsInUse.Add(-1)
		<-finished
	}()
	if err := step(id); err != nil {
		return fmt.Errorf("job %d: %w", id, err)
	}
	close(finished)
	return nil
}

func main() {
	for id := range 6 {
		_ = runJob(id)
	}
	time.Sleep(100 * time.Millisecond) // the watchers reach their receive
	writeProfiles()
}

// writeProfiles prints the goroutineleak profile (the goroutines the garbage
// collector proved can never run again) on stdout and the goroutine profile
// (every live goroutine) on stderr.
func writeProfiles() {
	if err := pprof.Lookup("goroutineleak").WriteTo(os.Stdout, 1); err != nil {
		panic(err)
	}
	if err := pprof.Lookup("goroutine").WriteTo(os.Stderr, 1); err != nil {
		panic(err)
	}
}
