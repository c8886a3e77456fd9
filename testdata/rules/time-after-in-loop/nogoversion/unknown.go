// Package unknown sits in a module whose go.mod has no go directive: the Go
// version is unknown, so nothing is reported.
package unknown

import (
	"log"
	"time"
)

func consume(events <-chan string, idle time.Duration) {
	for {
		select {
		case e := <-events:
			log.Println(e)
		case <-time.After(idle):
			return
		}
	}
}
