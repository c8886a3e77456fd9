package loopwithoutexit

import (
	"context"
	"log"
	"net/http"
	"sync"
	"time"
)

type Cache struct {
	mu     sync.Mutex
	items  map[string]string
	ticker *time.Ticker
}

func (c *Cache) evict() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.items)
}

// The janitor ignores the context it could have watched.
func StartJanitor(ctx context.Context, c *Cache) {
	t := time.NewTicker(time.Minute)
	go func() {
		for range t.C { // want `goroutine ranges over .t.C. forever: a ticker's channel is never closed`
			c.evict()
		}
	}()
}

// A method given the context to stop by, ranging over the ticker anyway.
func (c *Cache) refresh(ctx context.Context) {
	for now := range c.ticker.C { // want `goroutine ranges over .c.ticker.C. forever`
		log.Println("refresh at", now)
		c.evict()
	}
}

func (c *Cache) Start(ctx context.Context) {
	c.ticker = time.NewTicker(time.Second)
	go c.refresh(ctx)
}

// A dispatcher whose select has no way out.
func dispatch(ctx context.Context, jobs <-chan string, results chan<- int) {
	t := time.NewTicker(10 * time.Second)
	go func() {
		defer t.Stop()
		for { // want `goroutine loops forever: no case returns or breaks out`
			select {
			case j := <-jobs:
				results <- len(j)
			case <-t.C:
				log.Println("dispatcher alive")
			}
		}
	}()
}

// A receive loop with the context in scope.
func consume(ctx context.Context, inbox <-chan string) {
	go func() {
		for { // want `goroutine loops forever`
			msg := <-inbox
			log.Println("got", msg)
		}
	}()
}

// A trailing comment on the receive stays with it, after the new case.
func consumeNotes(ctx context.Context, notes <-chan string) {
	go func() {
		for { // want `goroutine loops forever`
			note := <-notes // one per request
			log.Println("note", note)
		}
	}()
}

// time.Tick in a goroutine: no fix, since the select would re-create it.
func reportStats(ctx context.Context, stats func() int) {
	go func() {
		for range time.Tick(time.Minute) { // want `goroutine ranges over .time.Tick\(time.Minute\). forever`
			log.Println("stats", stats())
		}
	}()
}

// A handler that starts a watcher per request.
func handleWatch(w http.ResponseWriter, r *http.Request) {
	events := make(chan string)
	go func() {
		for { // want `goroutine loops forever`
			select {
			case ev := <-events:
				log.Println("event", ev)
			}
		}
	}()
	w.WriteHeader(http.StatusAccepted)
}

// A Done case that only logs does not end the loop.
func logCancellation(ctx context.Context, ticks <-chan time.Time) {
	go func() {
		for { // want `goroutine loops forever`
			select {
			case <-ctx.Done():
				log.Println("cancelled")
			case t := <-ticks:
				log.Println("tick", t)
			}
		}
	}()
}

// Started through sync.WaitGroup.Go.
func heartbeat(ctx context.Context, wg *sync.WaitGroup) {
	t := time.NewTicker(time.Second)
	wg.Go(func() {
		for range t.C { // want `goroutine ranges over .t.C. forever`
			log.Println("beat")
		}
	})
}

// A ping-pong responder with the context passed in.
func responder(ctx context.Context, ping <-chan struct{}, pong chan<- struct{}) {
	go func(ctx context.Context) {
		for { // want `goroutine loops forever`
			<-ping
			pong <- struct{}{}
		}
	}(ctx)
}
