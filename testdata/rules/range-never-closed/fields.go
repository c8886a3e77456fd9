package rangenevercloses

import (
	"log"
	"sync"
)

type Item struct{ Key string }

// A batcher whose Stop forgets the channel its loop ranges over: the
// method-contract violation from LeakProf.
type Batcher struct {
	items chan Item
	quit  chan struct{}
}

func NewBatcher() *Batcher {
	b := &Batcher{items: make(chan Item), quit: make(chan struct{})}
	go b.loop()
	return b
}

func (b *Batcher) Add(it Item) { b.items <- it }

func (b *Batcher) loop() {
	for it := range b.items { // want `loop ranges over .items. forever: no method of .Batcher. in this file closes it`
		log.Println("batch", it.Key)
	}
}

func (b *Batcher) Stop() {
	close(b.quit)
}

// A mailbox with a Close that only marks it closed.
type Mailbox struct {
	mu     sync.Mutex
	closed bool
	inbox  chan string
}

func (m *Mailbox) Start() {
	go func() {
		for {
			msg, ok := <-m.inbox // want `loop waits for the close of .inbox. forever`
			if !ok {
				return
			}
			log.Println("mail:", msg)
		}
	}()
}

func (m *Mailbox) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	return nil
}

// A pool started per worker with no shutdown method at all: another file of
// the package might still close it, so this is only information.
type Pool struct {
	tasks chan func()
}

func (p *Pool) Start(n int) {
	for range n {
		go func() {
			for task := range p.tasks { // want `loop ranges over .tasks. forever`
				task()
			}
		}()
	}
}

func (p *Pool) Submit(task func()) { p.tasks <- task }
