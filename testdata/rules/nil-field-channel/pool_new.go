package dispatch

// NewPool starts n workers.
func NewPool(n int) *Pool {
	p := &Pool{}
	p.tasks = make(chan func())
	for i := 0; i < n; i++ {
		go p.run()
	}
	return p
}
