package timetickleak

import (
	"log"
	stdtime "time"
)

// The time package under another name.
func logUptime(start stdtime.Time, times int) {
	n := 0
	for now := range stdtime.Tick(stdtime.Second) { // want `.logUptime. returns`
		log.Println(now.Sub(start))
		n++
		if n == times {
			return
		}
	}
}
