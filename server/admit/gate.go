// Package admit bounds how much CPU-heavy request work runs at once.
//
// Every push waits for the store's single writer. When many requests are
// judged, encoded and compressed at the same moment, they take the CPUs
// from that writer and every push waits longer. A Gate with one slot fewer
// than the CPUs, shared by the push checks and the pull answers, leaves
// the writer a CPU of its own; the requests behind the gate queue in
// arrival order instead of all slowing down together.
package admit

import (
	"context"
	"runtime"
)

// Gate admits at most a fixed number of holders at once.
type Gate struct {
	slots chan struct{}
}

// New returns a gate of n slots (at least one).
func New(n int) *Gate { return &Gate{slots: make(chan struct{}, max(1, n))} }

// ForCPUs returns a gate of one slot fewer than the CPUs Go uses, at
// least one.
func ForCPUs() *Gate { return New(runtime.GOMAXPROCS(0) - 1) }

// Enter waits for a slot, or for ctx to end.
func (g *Gate) Enter(ctx context.Context) error {
	select {
	case g.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Leave gives back the slot taken by Enter.
func (g *Gate) Leave() { <-g.slots }
