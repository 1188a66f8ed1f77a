package blobtest

import (
	"io"
	"runtime"
	"testing"

	"urcsync/server/blob"
)

// MemoryBudget is how much more live heap a Put may hold, at any point
// while it streams, than before it started: about 1 MiB whatever the size.
const MemoryBudget = 2 << 20

// BoundedMemorySize is the size of the object written to check that Put
// streams rather than buffers.
const BoundedMemorySize = 48 << 20

// probeInterval is how often, in bytes read, the live heap is sampled.
const probeInterval = 4 << 20

// heapProbe reads from r and, every probeInterval bytes, collects garbage
// and records the live heap: whatever Put holds at that moment, such as a
// buffered copy of the bytes read so far, shows up there.
type heapProbe struct {
	r         io.Reader
	sinceLast int
	maxLive   uint64
}

func (h *heapProbe) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.sinceLast += n
	if h.sinceLast >= probeInterval {
		h.sinceLast = 0
		h.maxLive = max(h.maxLive, liveHeap())
	}
	return n, err
}

func liveHeap() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func testBoundedMemory(t *testing.T, s blob.Store) {
	probe := &heapProbe{r: io.LimitReader(chacha(12), BoundedMemorySize)}
	var before, after runtime.MemStats
	base := liveHeap()
	runtime.ReadMemStats(&before)
	err := s.Put(t.Context(), "media/big", probe, BoundedMemorySize, "image/jpeg")
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatalf("Put: %v", err)
	}
	held := int64(probe.maxLive) - int64(base)
	t.Logf("Put of %d MiB: live heap at most %d KiB above its start; %d KiB allocated in total, garbage included",
		BoundedMemorySize>>20, held>>10, (after.TotalAlloc-before.TotalAlloc)>>10)
	if held > MemoryBudget {
		t.Errorf("Put of %d MiB held %d KiB of live heap; want at most %d KiB", BoundedMemorySize>>20, held>>10, MemoryBudget>>10)
	}
	if info, err := s.Stat(t.Context(), "media/big"); err != nil || info.Size != BoundedMemorySize {
		t.Errorf("Stat = %+v, %v; want size %d", info, err, BoundedMemorySize)
	}
}
