package batch

import (
	"context"
	"time"
)

// RunRearmed resets the timer in the case that receives from it.
func (b *Batcher) RunRearmed(ctx context.Context) {
	var batch []string
	t := time.NewTimer(b.every)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			b.flush(batch)
			batch = nil
			t.Reset(b.every)
		case item := <-b.in:
			batch = append(batch, item)
			if !t.Stop() {
				<-t.C
			}
			t.Reset(b.every)
		}
	}
}

// RunFresh makes a new timer every turn: the one received from is gone.
func (b *Batcher) RunFresh(ctx context.Context) {
	for {
		t := time.NewTimer(b.every)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			b.flush(nil)
		case item := <-b.in:
			if !t.Stop() {
				<-t.C
			}
			b.flush([]string{item})
		}
	}
}

// RunArmedAtTop re-arms the timer at the start of every turn.
func (b *Batcher) RunArmedAtTop(ctx context.Context) {
	t := time.NewTimer(b.every)
	for {
		t.Reset(b.every)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			b.flush(nil)
		case item := <-b.in:
			if !t.Stop() {
				<-t.C
			}
			b.flush([]string{item})
		}
	}
}

// WaitOnce drains only in the case where the timer was not received from.
func WaitOnce(replies <-chan string, deadline time.Duration) (string, bool) {
	t := time.NewTimer(deadline)
	select {
	case <-t.C:
		return "", false
	case r := <-replies:
		if !t.Stop() {
			<-t.C
		}
		return r, true
	}
}

// WaitPolite drains without blocking.
func WaitPolite(replies <-chan string, deadline time.Duration) string {
	t := time.NewTimer(deadline)
	var reply string
	select {
	case reply = <-replies:
	case <-t.C:
	}
	if !t.Stop() {
		select {
		case <-t.C:
		default:
		}
	}
	return reply
}

// RunLeaving leaves the loop when the timer fires.
func (b *Batcher) RunLeaving(ctx context.Context) {
	t := time.NewTimer(b.every)
	for {
		select {
		case <-t.C:
			return
		case item := <-b.in:
			if !t.Stop() {
				<-t.C
			}
			t.Reset(b.every)
			b.flush([]string{item})
		}
	}
}
