// Command unreceived-send-ctx asks every replica and keeps the first answer;
// the replicas that answer later are left blocked on their send.
package main

import (
	"context"
	"fmt"
	"os"
	"runtime/pprof"
	"time"
)

func query(ctx context.Context, replica int) string {
	time.Sleep(time.Duration(replica+1) * 5 * time.Millisecond)
	return fmt.Sprintf("answer from replica %d", replica)
}

func firstAnswer(parent context.Context, replicas int) string {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	answers := make(chan string)
	for i := 0; i < replicas; i++ {
		go func(i int) {
			answers <- query(ctx, i)
		}(i)
	}
	return <-answers
}

func main() {
	for range 3 {
		if firstAnswer(context.Background(), 3) == "" {
			panic("no answer")
		}
	}
	time.Sleep(100 * time.Millisecond) // the slower replicas answer and reach their send
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
