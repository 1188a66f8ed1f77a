package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"
)

// errClosed is returned for work submitted after Close.
var errClosed = errors.New("sqlite: database closed")

// txFunc is one unit of write work. It runs inside a savepoint of a
// shared transaction: when it fails, only its own writes are undone.
type txFunc func(tx *wtx) error

type job struct {
	fn   txFunc
	done chan error
}

// BatchObserver is told the size and commit time of every group commit.
type BatchObserver func(jobs int, commit time.Duration)

// writer owns the single write connection and commits the work of many
// concurrent callers in one transaction (group commit): one fsync for the
// whole group, each caller answered only after that commit.
type writer struct {
	db       *sql.DB
	jobs     chan *job
	maxBatch int
	// finish runs last in every transaction (persisting the HLC and seq).
	finish  txFunc
	observe BatchObserver

	mu     sync.RWMutex
	closed bool
	wg     sync.WaitGroup
}

func newWriter(db *sql.DB, maxBatch int, finish txFunc, observe BatchObserver) *writer {
	w := &writer{db: db, jobs: make(chan *job, 4096), maxBatch: maxBatch, finish: finish, observe: observe}
	w.wg.Add(1)
	go w.loop()
	return w
}

// do runs fn in the next group commit and returns once that commit is
// durable (nil) or failed. The work is not cancelled with ctx once queued:
// an acknowledged caller and a committed change must never disagree.
func (w *writer) do(ctx context.Context, fn txFunc) error {
	j := &job{fn: fn, done: make(chan error, 1)}
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return errClosed
	}
	select {
	case w.jobs <- j:
	case <-ctx.Done():
		w.mu.RUnlock()
		return ctx.Err()
	}
	w.mu.RUnlock()
	return <-j.done
}

// close stops accepting work, finishes what is queued and waits.
func (w *writer) close() {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.jobs)
	}
	w.mu.Unlock()
	w.wg.Wait()
}

func (w *writer) loop() {
	defer w.wg.Done()
	for j := range w.jobs {
		batch := []*job{j}
	drain:
		for len(batch) < w.maxBatch {
			select {
			case next, ok := <-w.jobs:
				if !ok {
					break drain
				}
				batch = append(batch, next)
			default:
				break drain
			}
		}
		w.run(batch)
	}
}

func (w *writer) run(batch []*job) {
	start := time.Now()
	errs := make([]error, len(batch))
	err := w.commit(batch, errs)
	for i, j := range batch {
		if err != nil {
			j.done <- err
		} else {
			j.done <- errs[i]
		}
	}
	if w.observe != nil {
		w.observe(len(batch), time.Since(start))
	}
}

func (w *writer) commit(batch []*job, errs []error) error {
	sqlTx, err := w.db.BeginTx(context.Background(), nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer sqlTx.Rollback()
	tx := newWTx(sqlTx)
	for i, j := range batch {
		if _, err := tx.Exec(`SAVEPOINT job`); err != nil {
			return err
		}
		errs[i] = safeRun(j.fn, tx)
		if errs[i] != nil {
			if _, err := tx.Exec(`ROLLBACK TO job`); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(`RELEASE job`); err != nil {
			return err
		}
	}
	if w.finish != nil {
		if err := w.finish(tx); err != nil {
			return err
		}
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// safeRun turns a panic in one job into that job's error, so that one
// caller's bug does not take down the others' commit.
func safeRun(fn txFunc, tx *wtx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic in write job: %v", r)
		}
	}()
	return fn(tx)
}
