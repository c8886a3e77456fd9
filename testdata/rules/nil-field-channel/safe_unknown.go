package dispatch

import "sort"

// stage channels are made through values whose type is written elsewhere:
// through a slice field ranged over, and in elided composite literals.
type stage struct {
	name  string
	start chan bool
	end   chan struct{}
}

type pipeline struct {
	stages []*stage
}

func (p *pipeline) run(order func([]*stage)) {
	stages := p.stages
	order(stages)
	for _, s := range stages {
		s.start = make(chan bool)
		s.end = make(chan struct{})
		go func(s *stage) {
			if !<-s.start {
				return
			}
			s.end <- struct{}{}
		}(s)
	}
	for _, s := range stages {
		s.start <- true
		<-s.end
	}
}

// listener's done channels are made in an elided literal of a slice.
type listener struct {
	addr string
	done chan bool
}

type listeners struct {
	all []listener
}

func newListeners(addrs ...string) *listeners {
	sort.Strings(addrs)
	return &listeners{all: []listener{
		{addr: addrs[0], done: make(chan bool)},
		{addr: addrs[1], done: make(chan bool)},
	}}
}

func (ls *listeners) wait() {
	for i := range ls.all {
		<-ls.all[i].done
	}
}

func (ls *listeners) stop() {
	for i := range ls.all {
		close(ls.all[i].done)
	}
}

// reply channels are made on values the package cannot type (an interface's).
type reply struct {
	ch chan string
}

type replier interface{ Reply() *reply }

func prepare(r replier) {
	r.Reply().ch = make(chan string, 1)
}

func (r *reply) await() string { return <-r.ch }
