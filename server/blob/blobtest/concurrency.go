package blobtest

import (
	"crypto/sha256"
	"fmt"
	"io"
	"sync"
	"testing"

	"urcsync/server/blob"
)

func testConcurrentPuts(t *testing.T, s blob.Store) {
	const n, size = 8, 1<<20 + 7
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			key := fmt.Sprintf("media/c/%d", i)
			if err := s.Put(t.Context(), key, io.LimitReader(chacha(uint64(100+i)), size), size, "image/jpeg"); err != nil {
				t.Errorf("Put(%q): %v", key, err)
			}
		})
	}
	wg.Wait()
	for i := range n {
		key := fmt.Sprintf("media/c/%d", i)
		want := sha256.Sum256(data(uint64(100+i), size))
		if got, m := hashOf(t, s, key); m != size || got != want {
			t.Errorf("%q reads %d bytes with another digest than put", key, m)
		}
	}
	if got := keys(t, s, "media/c/"); len(got) != n {
		t.Errorf("List gives %d objects; want %d", len(got), n)
	}
}
