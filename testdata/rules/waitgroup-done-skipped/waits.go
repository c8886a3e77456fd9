package waitgroupdoneskipped

import (
	"log"
	"sync"
)

// Add counts every item up front, then Wait inside the loop waits for all of
// them after starting one: it blocks forever on the first iteration.
func Upload(items []Item) {
	var wg sync.WaitGroup
	wg.Add(len(items))
	for _, it := range items {
		go func(it Item) {
			defer wg.Done()
			_ = process(it)
		}(it)
		wg.Wait() // want `.wg.Wait\(\). inside the loop that starts the goroutines blocks forever on the first iteration: .wg.Add\(len\(items\)\). on line 12`
	}
	log.Println("uploaded", len(items))
}

// An index loop over shards.
func Rebuild(shards [][]Item) {
	wg := &sync.WaitGroup{}
	wg.Add(len(shards))
	for i := 0; i < len(shards); i++ {
		go func(shard []Item) {
			defer wg.Done()
			for _, it := range shard {
				_ = process(it)
			}
		}(shards[i])
		wg.Wait() // want `.wg.Wait\(\). inside the loop that starts the goroutines blocks forever`
		log.Println("shard", i)
	}
}
