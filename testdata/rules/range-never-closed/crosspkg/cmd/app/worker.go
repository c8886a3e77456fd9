package main

// sum adds up what arrives until the channel is closed.
func sum(values <-chan int, total *int) {
	for v := range values {
		*total += v
	}
}
