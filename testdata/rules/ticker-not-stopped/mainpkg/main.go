// Package main: tickers in main and init live as long as the process.
package main

import (
	"fmt"
	"time"
)

var started time.Time

func init() {
	t := time.NewTicker(time.Hour)
	go func() {
		for now := range t.C {
			started = now
		}
	}()
}

func main() {
	t := time.NewTicker(time.Second)
	for i := 0; i < 3; i++ {
		fmt.Println(<-t.C)
	}
}
