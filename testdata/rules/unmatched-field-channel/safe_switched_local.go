package notify

// Reconciler's loop receives its queue through a local that it turns off
// with nil while paused: the queue's receiver works under another name.
type Reconciler struct {
	queue  chan string
	paused chan bool
}

func NewReconciler() *Reconciler {
	return &Reconciler{queue: make(chan string, 16), paused: make(chan bool)}
}

func (r *Reconciler) Enqueue(id string) { r.queue <- id }

func (r *Reconciler) Pause(p bool) { r.paused <- p }

func (r *Reconciler) run(reconcile func(string)) {
	var queue chan string
	queue = r.queue
	for {
		select {
		case p := <-r.paused:
			if p {
				queue = nil
			} else {
				queue = r.queue
			}
		case id := <-queue:
			reconcile(id)
		}
	}
}

// Auditor takes its channel into a local declared with it, then switches
// that local off once the first record has been written.
type Auditor struct {
	records chan string
}

func NewAuditor() *Auditor { return &Auditor{records: make(chan string)} }

func (a *Auditor) Record(s string) { a.records <- s }

func (a *Auditor) first(write func(string), done <-chan struct{}) {
	records := a.records
	for {
		select {
		case s := <-records:
			write(s)
			records = nil
		case <-done:
			return
		}
	}
}
