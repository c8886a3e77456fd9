package main

import (
	"log"
	"time"
)

var events = make(chan string)

func init() {
	go func() {
		for range time.Tick(time.Minute) {
			log.Println("init ticker")
		}
	}()
}

func logEvents() {
	for {
		log.Println(<-events)
	}
}

func main() {
	go logEvents()
	go func() {
		t := time.NewTicker(time.Second)
		for range t.C {
			events <- "tick"
		}
	}()
	time.Sleep(3 * time.Second)
}
