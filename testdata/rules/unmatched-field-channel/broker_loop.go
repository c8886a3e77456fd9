package notify

import "log"

func (b *Broker) run() {
	defer close(b.done)
	for e := range b.in {
		log.Printf("broker: %s", e.Topic)
	}
}

// Stop ends the loop.
func (b *Broker) Stop() { close(b.in) }
