// Package main: time.Tick in main and init lives as long as the process, unless
// it runs on every pass of a loop.
package main

import (
	"fmt"
	"time"
)

var lastTick time.Time

func init() {
	c := time.Tick(time.Hour)
	go func() {
		for now := range c {
			lastTick = now
		}
	}()
}

func main() {
	for now := range time.Tick(time.Second) {
		fmt.Println(now)
		if now.Sub(lastTick) > time.Minute {
			break
		}
	}
	for i := 0; i < 3; i++ {
		<-time.Tick(time.Second) // want `in a loop starts a new ticker on every iteration`
		fmt.Println(i)
	}
}
