// Package blobtest is the conformance suite every blob.Store backend passes.
package blobtest

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"math/rand/v2"
	"testing"

	"urcsync/server/blob"
)

// Run runs the conformance suite against the stores newStore returns. Each
// subtest calls newStore once and expects an empty store of its own; the
// store should be cleaned up through t.Cleanup.
func Run(t *testing.T, newStore func(t *testing.T) blob.Store) {
	t.Run("RoundTrip", func(t *testing.T) { testRoundTrip(t, newStore) })
	t.Run("Seek", func(t *testing.T) { testSeek(t, newStore(t)) })
	t.Run("ServeContentRange", func(t *testing.T) { testServeContent(t, newStore(t)) })
	t.Run("Stat", func(t *testing.T) { testStat(t, newStore(t)) })
	t.Run("Overwrite", func(t *testing.T) { testOverwrite(t, newStore(t)) })
	t.Run("Delete", func(t *testing.T) { testDelete(t, newStore(t)) })
	t.Run("ErrNotFound", func(t *testing.T) { testNotFound(t, newStore(t)) })
	t.Run("ValidKeys", func(t *testing.T) { testValidKeys(t, newStore(t)) })
	t.Run("ErrInvalidKey", func(t *testing.T) { testInvalidKeys(t, newStore(t)) })
	t.Run("FailingReader", func(t *testing.T) { testFailingReader(t, newStore) })
	t.Run("ShortReader", func(t *testing.T) { testShortReader(t, newStore) })
	t.Run("LongReader", func(t *testing.T) { testLongReader(t, newStore(t)) })
	t.Run("NegativeSize", func(t *testing.T) { testNegativeSize(t, newStore(t)) })
	t.Run("Digest", func(t *testing.T) { checkDigest(t, newStore(t)) })
	t.Run("Cancelled", func(t *testing.T) { testCancelled(t, newStore(t)) })
	t.Run("List", func(t *testing.T) { testList(t, newStore(t)) })
	t.Run("ListStops", func(t *testing.T) { testListStops(t, newStore(t)) })
	t.Run("ConcurrentPuts", func(t *testing.T) { testConcurrentPuts(t, newStore(t)) })
	t.Run("BoundedMemory", func(t *testing.T) { testBoundedMemory(t, newStore(t)) })
	t.Run("Ready", func(t *testing.T) {
		if err := newStore(t).Ready(t.Context()); err != nil {
			t.Fatalf("Ready: %v", err)
		}
	})
}

// data returns n deterministic pseudo-random bytes for seed.
func data(seed uint64, n int) []byte {
	b := make([]byte, n)
	chacha(seed).Read(b)
	return b
}

// chacha returns an endless deterministic byte stream for seed.
func chacha(seed uint64) *rand.ChaCha8 {
	var s [32]byte
	s[0], s[1] = byte(seed), byte(seed>>8)
	return rand.NewChaCha8(s)
}

func put(t *testing.T, s blob.Store, key string, b []byte) {
	t.Helper()
	if err := s.Put(t.Context(), key, bytes.NewReader(b), int64(len(b)), "application/octet-stream"); err != nil {
		t.Fatalf("Put(%q, %d bytes): %v", key, len(b), err)
	}
}

// readAll reads key's whole object; for small objects only.
func readAll(t *testing.T, s blob.Store, key string) []byte {
	t.Helper()
	o, err := s.Open(t.Context(), key)
	if err != nil {
		t.Fatalf("Open(%q): %v", key, err)
	}
	defer o.Close()
	b, err := io.ReadAll(o)
	if err != nil {
		t.Fatalf("reading %q: %v", key, err)
	}
	if got := o.Info().Size; got != int64(len(b)) {
		t.Errorf("Open(%q).Info().Size = %d, read %d bytes", key, got, len(b))
	}
	return b
}

// hashOf streams key's object through SHA-256.
func hashOf(t *testing.T, s blob.Store, key string) ([32]byte, int64) {
	t.Helper()
	o, err := s.Open(t.Context(), key)
	if err != nil {
		t.Fatalf("Open(%q): %v", key, err)
	}
	defer o.Close()
	h := sha256.New()
	n, err := io.Copy(h, o)
	if err != nil {
		t.Fatalf("reading %q: %v", key, err)
	}
	return [32]byte(h.Sum(nil)), n
}

// wantAbsent fails unless key is absent for Stat and Open.
func wantAbsent(t *testing.T, s blob.Store, key string) {
	t.Helper()
	if info, err := s.Stat(t.Context(), key); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Stat(%q) = %+v, %v; want ErrNotFound", key, info, err)
	}
	o, err := s.Open(t.Context(), key)
	if err == nil {
		o.Close()
	}
	if !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Open(%q) error = %v; want ErrNotFound", key, err)
	}
}

// keys lists every key under prefix.
func keys(t *testing.T, s blob.Store, prefix string) map[string]int64 {
	t.Helper()
	got := map[string]int64{}
	err := s.List(t.Context(), prefix, func(i blob.Info) error {
		if _, dup := got[i.Key]; dup {
			t.Errorf("List(%q) gave %q twice", prefix, i.Key)
		}
		got[i.Key] = i.Size
		return nil
	})
	if err != nil {
		t.Fatalf("List(%q): %v", prefix, err)
	}
	return got
}

// wantEmpty fails if anything at all is listed: no partial object and no
// visible temporary file.
func wantEmpty(t *testing.T, s blob.Store) {
	t.Helper()
	if got := keys(t, s, ""); len(got) != 0 {
		t.Errorf("store holds %v; want nothing", got)
	}
}

// errorIs checks that err wraps want and is not reported as an outage.
func errorIs(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s error = %v; want one wrapping %v", what, err, want)
	}
	if want != blob.ErrUnavailable && errors.Is(err, blob.ErrUnavailable) {
		t.Errorf("%s error = %v; must not wrap ErrUnavailable", what, err)
	}
}

func testPutOpen(t *testing.T, s blob.Store, key string, b []byte) {
	put(t, s, key, b)
	if got := readAll(t, s, key); !bytes.Equal(got, b) {
		t.Fatalf("read back %d bytes, differing from the %d put", len(got), len(b))
	}
}
