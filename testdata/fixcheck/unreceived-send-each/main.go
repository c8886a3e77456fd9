// Command unreceived-send-each downloads from every mirror and keeps the
// fastest copy; the slower mirrors are left blocked on their send.
package main

import (
	"os"
	"runtime/pprof"
	"strings"
	"time"
)

func download(mirror string) string {
	time.Sleep(time.Duration(len(mirror)) * time.Millisecond)
	return strings.ToUpper(mirror)
}

func fastest(mirrors []string) string {
	copies := make(chan string)
	for _, m := range mirrors {
		go func(m string) {
			copies <- download(m)
		}(m)
	}
	return <-copies
}

func main() {
	for range 3 {
		if fastest([]string{"eu", "us-east", "ap-southeast"}) == "" {
			panic("no copy")
		}
	}
	time.Sleep(100 * time.Millisecond) // the slower mirrors finish and reach their send
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
