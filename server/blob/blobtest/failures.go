package blobtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"strings"
	"testing"

	"urcsync/server/blob"
)

var errReader = errors.New("blobtest: reader failed")

// failingReader yields n bytes of data and then fails with errReader.
type failingReader struct {
	r io.Reader
	n int64
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errReader
	}
	if int64(len(p)) > f.n {
		p = p[:f.n]
	}
	n, err := f.r.Read(p)
	f.n -= int64(n)
	return n, err
}

// failedPut checks that a Put fed by r fails with an error wrapping want and
// leaves nothing new: a fresh key stays absent and an existing object keeps
// its bytes.
func failedPut(t *testing.T, newStore func(*testing.T) blob.Store, size int64, r func() io.Reader, want error) {
	t.Run("NewKey", func(t *testing.T) {
		s := newStore(t)
		err := s.Put(t.Context(), "media/fail", r(), size, "image/jpeg")
		errorIs(t, "Put", err, want)
		wantAbsent(t, s, "media/fail")
		wantEmpty(t, s)
	})
	t.Run("ExistingKey", func(t *testing.T) {
		s := newStore(t)
		old := data(6, 1000)
		put(t, s, "media/fail", old)
		err := s.Put(t.Context(), "media/fail", r(), size, "image/jpeg")
		errorIs(t, "Put", err, want)
		if got := readAll(t, s, "media/fail"); !bytes.Equal(got, old) {
			t.Errorf("after a failed Put the old object reads %d bytes that differ from the %d stored", len(got), len(old))
		}
		if got := keys(t, s, ""); len(got) != 1 {
			t.Errorf("store holds %v; want only media/fail", got)
		}
	})
}

func testFailingReader(t *testing.T, newStore func(*testing.T) blob.Store) {
	const size = 6 << 20
	failedPut(t, newStore, size, func() io.Reader {
		return &failingReader{r: chacha(7), n: 3 << 20}
	}, errReader)
	t.Run("Immediately", func(t *testing.T) {
		failedPut(t, newStore, size, func() io.Reader {
			return &failingReader{r: chacha(7)}
		}, errReader)
	})
}

func testShortReader(t *testing.T, newStore func(*testing.T) blob.Store) {
	const size = 2 << 20
	failedPut(t, newStore, size, func() io.Reader {
		return io.LimitReader(chacha(8), size-10)
	}, io.ErrUnexpectedEOF)
	t.Run("Empty", func(t *testing.T) {
		failedPut(t, newStore, 10, func() io.Reader {
			return strings.NewReader("")
		}, io.ErrUnexpectedEOF)
	})
}

func testLongReader(t *testing.T, s blob.Store) {
	b := data(9, 2000)
	if err := s.Put(t.Context(), "media/long", bytes.NewReader(b), 1000, "image/png"); err != nil {
		t.Fatalf("Put: %v", err)
	}
	if got := readAll(t, s, "media/long"); !bytes.Equal(got, b[:1000]) {
		t.Errorf("stored %d bytes; want exactly the first 1000 of the reader", len(got))
	}
}

func testNegativeSize(t *testing.T, s blob.Store) {
	if err := s.Put(t.Context(), "media/neg", strings.NewReader("x"), -1, "image/png"); err == nil {
		t.Errorf("Put with size -1 succeeded")
	}
	wantEmpty(t, s)
}

// cancellingReader cancels its context after n bytes and keeps yielding.
type cancellingReader struct {
	r      io.Reader
	n      int64
	cancel context.CancelFunc
}

func (c *cancellingReader) Read(p []byte) (int, error) {
	if c.n <= 0 {
		c.cancel()
	}
	n, err := c.r.Read(p)
	c.n -= int64(n)
	return n, err
}

func testCancelled(t *testing.T, s blob.Store) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	r := &cancellingReader{r: chacha(10), n: 1 << 20, cancel: cancel}
	err := s.Put(ctx, "media/cancel", r, 4<<20, "image/jpeg")
	errorIs(t, "Put", err, context.Canceled)
	wantAbsent(t, s, "media/cancel")
	wantEmpty(t, s)
}

// checkDigest: with WithSHA256, bytes that do not match are refused with
// ErrDigest and nothing is stored; matching bytes are stored.
func checkDigest(t *testing.T, s blob.Store) {
	body := []byte("the photo's bytes as taken")
	sum := sha256.Sum256(body)
	wrong := sha256.Sum256([]byte("other bytes"))
	err := s.Put(t.Context(), "media/digest-bad", bytes.NewReader(body), int64(len(body)), "image/jpeg", blob.WithSHA256(wrong[:]))
	if !errors.Is(err, blob.ErrDigest) {
		t.Fatalf("Put with a wrong digest: %v, want ErrDigest", err)
	}
	if _, err := s.Stat(t.Context(), "media/digest-bad"); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("bytes refused for their digest were stored: %v", err)
	}
	if err := s.Put(t.Context(), "media/digest-ok", bytes.NewReader(body), int64(len(body)), "image/jpeg", blob.WithSHA256(sum[:])); err != nil {
		t.Fatalf("Put with the right digest: %v", err)
	}
}
