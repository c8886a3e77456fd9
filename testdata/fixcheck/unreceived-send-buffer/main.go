// Command unreceived-send-buffer gives up on a slow lookup after a timeout;
// the goroutine doing the lookup is left blocked on its send.
package main

import (
	"errors"
	"os"
	"runtime/pprof"
	"time"
)

func slowLookup(key string) string {
	time.Sleep(20 * time.Millisecond)
	return "value of " + key
}

func lookupWithTimeout(key string, timeout time.Duration) (string, error) {
	result := make(chan string)
	go func() {
		result <- slowLookup(key)
	}()
	select {
	case v := <-result:
		return v, nil
	case <-time.After(timeout):
		return "", errors.New("timeout")
	}
}

func main() {
	for _, key := range []string{"a", "b", "c"} {
		if _, err := lookupWithTimeout(key, time.Millisecond); err == nil {
			panic("the lookup was meant to time out")
		}
	}
	time.Sleep(100 * time.Millisecond) // the lookups finish and reach their send
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
