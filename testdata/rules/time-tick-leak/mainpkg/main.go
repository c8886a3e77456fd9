// Package main: time.Tick in main and init lives as long as the process.
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
			return
		}
	}
}
