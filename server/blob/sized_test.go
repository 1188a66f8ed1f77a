package blob_test

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"urcsync/server/blob"
)

func TestSizedReader(t *testing.T) {
	t.Run("Exact", func(t *testing.T) {
		r := blob.NewSizedReader(strings.NewReader("hello"), 5)
		b, err := io.ReadAll(r)
		if string(b) != "hello" || err != nil || r.Err() != nil || r.Remaining() != 0 {
			t.Errorf("got %q, %v, Err %v, Remaining %d", b, err, r.Err(), r.Remaining())
		}
	})
	t.Run("LongerSource", func(t *testing.T) {
		src := strings.NewReader("hello world")
		r := blob.NewSizedReader(src, 5)
		b, err := io.ReadAll(r)
		if string(b) != "hello" || err != nil || r.Err() != nil {
			t.Errorf("got %q, %v, Err %v", b, err, r.Err())
		}
		if src.Len() != 6 {
			t.Errorf("read %d bytes past size", 6-src.Len())
		}
	})
	t.Run("ShortSource", func(t *testing.T) {
		r := blob.NewSizedReader(strings.NewReader("hel"), 5)
		_, err := io.ReadAll(r)
		if !errors.Is(err, io.ErrUnexpectedEOF) || !errors.Is(r.Err(), io.ErrUnexpectedEOF) || r.Remaining() != 2 {
			t.Errorf("got %v, Err %v, Remaining %d; want io.ErrUnexpectedEOF, 2", err, r.Err(), r.Remaining())
		}
	})
	t.Run("FailingSource", func(t *testing.T) {
		boom := errors.New("boom")
		r := blob.NewSizedReader(io.MultiReader(strings.NewReader("he"), iotest.ErrReader(boom)), 5)
		_, err := io.ReadAll(r)
		if !errors.Is(err, boom) || !errors.Is(r.Err(), boom) {
			t.Errorf("got %v, Err %v; want boom", err, r.Err())
		}
		if _, err := r.Read(make([]byte, 1)); !errors.Is(err, boom) {
			t.Errorf("Read after failure = %v; want boom again", err)
		}
	})
	t.Run("Zero", func(t *testing.T) {
		r := blob.NewSizedReader(iotest.ErrReader(errors.New("must not be read")), 0)
		if n, err := r.Read(make([]byte, 4)); n != 0 || err != io.EOF || r.Err() != nil {
			t.Errorf("Read = %d, %v, Err %v; want 0, EOF, nil", n, err, r.Err())
		}
	})
}
