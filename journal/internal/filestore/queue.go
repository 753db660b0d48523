package filestore

import (
	"context"
	"sync"
	"time"

	"github.com/transparency-dev/tessera"
)

// pending is an entry waiting for its batch to be written.
type pending struct {
	e     *tessera.Entry
	done  chan struct{}
	index uint64
	err   error
}

func (p *pending) resolve(index uint64, err error) {
	p.index, p.err = index, err
	close(p.done)
}

func (p *pending) future() (tessera.Index, error) {
	<-p.done
	return tessera.Index{Index: p.index}, p.err
}

// queue gathers entries into batches of at most maxSize entries, the
// oldest at most maxAge old, and hands them to flush one at a time.
type queue struct {
	maxSize, maxOutstanding int
	maxAge                  time.Duration
	flush                   func([]*pending)
	work                    chan []*pending
	exited                  chan struct{} // closed when run returns
	inflight                sync.WaitGroup

	mu          sync.Mutex
	items       []*pending
	timer       *time.Timer
	outstanding int
	closed      bool
}

func newQueue(maxSize uint, maxAge time.Duration, maxOutstanding uint, flush func([]*pending)) *queue {
	return &queue{maxSize: max(int(maxSize), 1), maxAge: maxAge, maxOutstanding: max(int(maxOutstanding), int(maxSize)),
		flush: flush, work: make(chan []*pending, 1), exited: make(chan struct{})}
}

func (q *queue) add(e *tessera.Entry) tessera.IndexFuture {
	p := &pending{e: e, done: make(chan struct{})}
	q.mu.Lock()
	switch {
	case q.closed:
		q.mu.Unlock()
		p.resolve(0, ErrClosed)
		return p.future
	case q.outstanding >= q.maxOutstanding:
		q.mu.Unlock()
		p.resolve(0, tessera.ErrPushbackIntegration)
		return p.future
	}
	q.items = append(q.items, p)
	q.outstanding++
	if len(q.items) == 1 {
		q.timer = time.AfterFunc(q.maxAge, q.timeout)
	}
	var batch []*pending
	if len(q.items) >= q.maxSize {
		batch = q.takeLocked()
	}
	q.mu.Unlock()
	q.send(batch)
	return p.future
}

func (q *queue) timeout() {
	q.mu.Lock()
	batch := q.takeLocked()
	q.mu.Unlock()
	q.send(batch)
}

func (q *queue) takeLocked() []*pending {
	if q.timer != nil {
		q.timer.Stop()
		q.timer = nil
	}
	b := q.items
	q.items = nil
	if len(b) > 0 {
		q.inflight.Add(1)
	}
	return b
}

func (q *queue) send(batch []*pending) {
	if len(batch) == 0 {
		return
	}
	select {
	case q.work <- batch:
	case <-q.exited:
		for _, p := range batch {
			p.resolve(0, ErrClosed)
		}
		q.inflight.Done()
	}
}

// run hands the batches to flush until ctx is done or stop is closed.
func (q *queue) run(ctx context.Context, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	defer close(q.exited)
	for {
		select {
		case <-ctx.Done():
			return
		case <-stop:
			return
		case b := <-q.work:
			q.flush(b)
			q.mu.Lock()
			q.outstanding -= len(b)
			q.mu.Unlock()
			q.inflight.Done()
		}
	}
}

// close refuses new entries and returns once the entries queued are
// flushed (or failed, if run has returned).
func (q *queue) close() {
	q.mu.Lock()
	q.closed = true
	b := q.takeLocked()
	q.mu.Unlock()
	q.send(b)
	q.inflight.Wait()
}
