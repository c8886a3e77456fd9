// Command unreceived-send-double parses configs in a goroutine; on a parse
// error it reports the error but forgets to return, so it goes on to send a
// result that nobody receives.
package main

import (
	"errors"
	"os"
	"runtime/pprof"
	"strings"
	"time"
)

type parsed struct {
	keys []string
	err  error
}

func parseAsync(text string) parsed {
	out := make(chan parsed)
	go func() {
		if !strings.Contains(text, "=") {
			out <- parsed{err: errors.New("no key=value pair")}
		}
		keys := strings.Fields(text)
		out <- parsed{keys: keys}
	}()
	return <-out
}

func main() {
	for _, text := range []string{"a=1", "broken", "also broken", "b=2 c=3", "still broken"} {
		_ = parseAsync(text)
	}
	time.Sleep(100 * time.Millisecond) // the failed parses reach their second send
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
