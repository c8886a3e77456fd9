package pollers

// Submit hands a job to the worker unless it has been closed.
func (w *Worker) Submit(job string) bool {
	select {
	case w.jobs <- job:
		return true
	case <-w.ctx.Done():
		return false
	}
}

// Close ends the worker's loop.
func (w *Worker) Close() {
	defer w.cancel()
}
