package admit

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestGateAdmitsAtMostItsSlots(t *testing.T) {
	g := New(2)
	var inside, most atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if err := g.Enter(context.Background()); err != nil {
				t.Error(err)
				return
			}
			n := inside.Add(1)
			for {
				m := most.Load()
				if n <= m || most.CompareAndSwap(m, n) {
					break
				}
			}
			time.Sleep(time.Millisecond)
			inside.Add(-1)
			g.Leave()
		})
	}
	wg.Wait()
	if m := most.Load(); m != 2 {
		t.Fatalf("at most %d holders were inside at once, want 2", m)
	}
}

func TestGateEnterEndsWithItsContext(t *testing.T) {
	g := New(1)
	if err := g.Enter(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := g.Enter(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Enter on a full gate = %v, want the context's deadline", err)
	}
	g.Leave()
	if err := g.Enter(context.Background()); err != nil {
		t.Fatalf("Enter after Leave: %v", err)
	}
}

func TestNewHasAtLeastOneSlot(t *testing.T) {
	g := New(0)
	if err := g.Enter(context.Background()); err != nil {
		t.Fatal(err)
	}
	g.Leave()
}
