// Package queue holds workers that other packages start.
package queue

import "context"

// Drain handles jobs until the channel is closed.
func Drain(jobs <-chan int, handle func(int)) {
	for j := range jobs {
		handle(j)
	}
}

// DrainUntil also stops when ctx ends.
func DrainUntil(ctx context.Context, jobs <-chan int, handle func(int)) {
	for {
		select {
		case <-ctx.Done():
			return
		case j := <-jobs:
			handle(j)
		}
	}
}

// DrainFirst stops at the first negative job.
func DrainFirst(jobs <-chan int, handle func(int)) {
	for j := range jobs {
		if j < 0 {
			return
		}
		handle(j)
	}
}
