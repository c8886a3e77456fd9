// Package main: blocking forever is how a command keeps serving.
package main

import (
	"log"
	"net/http"
	"os"
	"time"
)

func serveForever(addr string) {
	srv := &http.Server{Addr: addr, ReadHeaderTimeout: time.Second}
	go func() {
		log.Println(srv.ListenAndServe())
	}()
	select {}
}

// The nil-channel spelling of `select {}`.
func waitForever() {
	var forever chan struct{}
	<-forever
}

func init() {
	go func() {
		for range time.Tick(time.Minute) {
			log.Println("alive")
		}
	}()
}

func main() {
	go func() {
		select {} // want `goroutine blocks forever in .select \{\}.`
	}()
	if len(os.Args) > 1 {
		serveForever(os.Args[1])
	}
	if len(os.Args) > 2 {
		waitForever()
	}
	var stop chan struct{}
	<-stop
}
