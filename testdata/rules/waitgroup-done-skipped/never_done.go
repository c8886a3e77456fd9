package waitgroupdoneskipped

import (
	"log"
	"sync"
)

// The count goes up and nothing brings it down: Wait never returns, and the
// goroutine stuck in it stays for good.
func drainLater(jobs []string) {
	go func() {
		var pending sync.WaitGroup
		pending.Add(1)
		for _, j := range jobs {
			log.Println("queued", j)
		}
		pending.Wait() // want `.pending.Wait\(\). blocks forever: nothing calls .pending.Done\(\)., and .pending.Add\(1\). on line 13 raised the count`
	}()
}

// The same with a pointer made in place.
func flushAll(names []string) {
	flushed := &sync.WaitGroup{}
	flushed.Add(len(names))
	flushed.Add(1)
	flushed.Wait() // want `.flushed.Wait\(\). blocks forever: nothing calls .flushed.Done\(\).`
}
