// Command app starts workers declared in other files and packages.
package main

import (
	"context"
	"fmt"

	"example.com/fixtures/crosspkg/internal/queue"
)

func submit(n int) {
	jobs := make(chan int)
	go queue.Drain(jobs, func(j int) { fmt.Println(j) }) // want `goroutine .queue.Drain. ranges over .jobs. until it is closed, and nothing closes .jobs.`
	for i := 0; i < n; i++ {
		jobs <- i
	}
}

func total(n int) {
	values := make(chan int)
	var t int
	go sum(values, &t) // want `goroutine .sum. ranges over .values. until it is closed`
	for i := 0; i < n; i++ {
		values <- i
	}
}

func submitAndClose(n int) {
	jobs := make(chan int)
	defer close(jobs)
	go queue.Drain(jobs, func(j int) { fmt.Println(j) })
	for i := 0; i < n; i++ {
		jobs <- i
	}
}

func submitWithContext(ctx context.Context, n int) {
	jobs := make(chan int)
	go queue.DrainUntil(ctx, jobs, func(j int) { fmt.Println(j) })
	for i := 0; i < n; i++ {
		jobs <- i
	}
}

func submitUntilSentinel(n int) {
	jobs := make(chan int)
	go queue.DrainFirst(jobs, func(j int) { fmt.Println(j) })
	for i := 0; i < n; i++ {
		jobs <- i
	}
	jobs <- -1
}

func handOff(n int, give func(chan int)) {
	jobs := make(chan int)
	go queue.Drain(jobs, func(j int) { fmt.Println(j) })
	give(jobs)
	for i := 0; i < n; i++ {
		jobs <- i
	}
}

func main() {
	submit(3)
	total(3)
	submitAndClose(3)
	submitWithContext(context.Background(), 3)
	submitUntilSentinel(3)
	handOff(3, func(c chan int) {})
}
