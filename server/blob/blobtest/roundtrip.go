package blobtest

import (
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"urcsync/server/blob"
)

func testRoundTrip(t *testing.T, newStore func(*testing.T) blob.Store) {
	t.Run("Small", func(t *testing.T) {
		testPutOpen(t, newStore(t), "media/small.jpg", data(1, 1000))
	})
	t.Run("Empty", func(t *testing.T) {
		testPutOpen(t, newStore(t), "media/empty", nil)
	})
	t.Run("Large", func(t *testing.T) {
		s := newStore(t)
		const size = 12<<20 + 12345
		h := sha256.New()
		src := io.TeeReader(io.LimitReader(chacha(2), size), h)
		if err := s.Put(t.Context(), "media/large.jpg", src, size, "image/jpeg"); err != nil {
			t.Fatalf("Put: %v", err)
		}
		got, n := hashOf(t, s, "media/large.jpg")
		if n != size || got != [32]byte(h.Sum(nil)) {
			t.Fatalf("read back %d bytes with sha256 %x; want %d bytes with %x", n, got, size, h.Sum(nil))
		}
	})
}

func testSeek(t *testing.T, s blob.Store) {
	b := data(3, 1<<20)
	put(t, s, "media/seek", b)
	o, err := s.Open(t.Context(), "media/seek")
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer o.Close()
	steps := []struct {
		offset int64
		whence int
		want   int64
		n      int
	}{
		{1000, io.SeekStart, 1000, 5000},
		{10, io.SeekCurrent, 6010, 100},
		{-100, io.SeekEnd, int64(len(b)) - 100, 100},
		{0, io.SeekStart, 0, 10},
		{700000, io.SeekStart, 700000, 65536},
	}
	for _, st := range steps {
		pos, err := o.Seek(st.offset, st.whence)
		if err != nil || pos != st.want {
			t.Fatalf("Seek(%d, %d) = %d, %v; want %d", st.offset, st.whence, pos, err, st.want)
		}
		got := make([]byte, st.n)
		if _, err := io.ReadFull(o, got); err != nil {
			t.Fatalf("read %d bytes at %d: %v", st.n, pos, err)
		}
		if string(got) != string(b[pos:pos+int64(st.n)]) {
			t.Fatalf("bytes at %d differ", pos)
		}
	}
	if _, err := o.Seek(0, io.SeekEnd); err != nil {
		t.Fatalf("Seek to end: %v", err)
	}
	if n, err := o.Read(make([]byte, 10)); n != 0 || err != io.EOF {
		t.Errorf("Read at end = %d, %v; want 0, io.EOF", n, err)
	}
}

func testServeContent(t *testing.T, s blob.Store) {
	b := data(4, 300000)
	put(t, s, "media/range.jpg", b)
	for _, tc := range []struct {
		rng        string
		start, end int
	}{
		{"bytes=100-199", 100, 200},
		{"bytes=-50", len(b) - 50, len(b)},
		{"bytes=299000-", 299000, len(b)},
	} {
		o, err := s.Open(t.Context(), "media/range.jpg")
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		req := httptest.NewRequest(http.MethodGet, "/content", nil)
		req.Header.Set("Range", tc.rng)
		rec := httptest.NewRecorder()
		http.ServeContent(rec, req, "", o.Info().ModTime, o)
		o.Close()
		want := fmt.Sprintf("bytes %d-%d/%d", tc.start, tc.end-1, len(b))
		if rec.Code != http.StatusPartialContent || rec.Header().Get("Content-Range") != want {
			t.Fatalf("Range %s: %d %q; want 206 %q", tc.rng, rec.Code, rec.Header().Get("Content-Range"), want)
		}
		if rec.Body.String() != string(b[tc.start:tc.end]) {
			t.Fatalf("Range %s: body differs", tc.rng)
		}
	}
}

func testStat(t *testing.T, s blob.Store) {
	before := time.Now().Add(-2 * time.Second)
	put(t, s, "media/stat", data(5, 4321))
	after := time.Now().Add(2 * time.Second)
	info, err := s.Stat(t.Context(), "media/stat")
	if err != nil {
		t.Fatalf("Stat: %v", err)
	}
	if info.Key != "media/stat" || info.Size != 4321 {
		t.Errorf("Stat = %+v; want key media/stat, size 4321", info)
	}
	if info.ModTime.Before(before) || info.ModTime.After(after) {
		t.Errorf("Stat ModTime = %v; want between %v and %v", info.ModTime, before, after)
	}
	o, err := s.Open(t.Context(), "media/stat")
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer o.Close()
	if oi := o.Info(); oi.Key != info.Key || oi.Size != info.Size || !oi.ModTime.Equal(info.ModTime) {
		t.Errorf("Open.Info = %+v; Stat gave %+v", oi, info)
	}
}

func testOverwrite(t *testing.T, s blob.Store) {
	put(t, s, "media/over", []byte("first version, longer"))
	put(t, s, "media/over", []byte("second"))
	if got := string(readAll(t, s, "media/over")); got != "second" {
		t.Errorf("after overwrite read %q; want %q", got, "second")
	}
	if info, err := s.Stat(t.Context(), "media/over"); err != nil || info.Size != 6 {
		t.Errorf("Stat after overwrite = %+v, %v; want size 6", info, err)
	}
	if got := keys(t, s, ""); len(got) != 1 {
		t.Errorf("store holds %v; want only media/over", got)
	}
}

func testDelete(t *testing.T, s blob.Store) {
	put(t, s, "media/del", []byte("x"))
	put(t, s, "media/keep", []byte("y"))
	for i := range 2 {
		if err := s.Delete(t.Context(), "media/del"); err != nil {
			t.Fatalf("Delete #%d: %v", i+1, err)
		}
	}
	wantAbsent(t, s, "media/del")
	if err := s.Delete(t.Context(), "never/there"); err != nil {
		t.Errorf("Delete of a key never stored: %v", err)
	}
	if err := s.Delete(t.Context(), "media"); err != nil {
		t.Errorf("Delete of a key that is only a prefix: %v", err)
	}
	if got := string(readAll(t, s, "media/keep")); got != "y" {
		t.Errorf("other object reads %q after Delete; want %q", got, "y")
	}
}

func testNotFound(t *testing.T, s blob.Store) {
	put(t, s, "media/a/b", []byte("x"))
	for _, key := range []string{"absent", "media/a", "media/a/b/c", "media/a/bb"} {
		_, err := s.Stat(t.Context(), key)
		errorIs(t, "Stat("+key+")", err, blob.ErrNotFound)
		o, err := s.Open(t.Context(), key)
		if err == nil {
			o.Close()
		}
		errorIs(t, "Open("+key+")", err, blob.ErrNotFound)
	}
}
