package blobtest

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"urcsync/server/blob"
)

// InvalidKeys are keys every backend must reject with blob.ErrInvalidKey.
var InvalidKeys = []string{
	"",
	"/abs",
	"../x",
	"a/../b",
	"a/..",
	"..",
	"a..b",
	".",
	"a/./b",
	".hidden",
	"a/.tmp/b",
	"a/",
	"a//b",
	"Upper",
	"a/B.jpg",
	"with space",
	"tab\tkey",
	"back\\slash",
	"semi;colon",
	"per%cent",
	"qu?ery",
	"caf\u00e9",
	"nul\x00byte",
	"new\nline",
	strings.Repeat("a", blob.MaxSegmentLen+1),
	strings.Repeat(strings.Repeat("a", 100)+"/", 10) + strings.Repeat("b", 20),
}

// ValidKeys are keys every backend must accept.
var ValidKeys = []string{
	"a",
	"0",
	"media/2f/0a9c-e1_b.jpg",
	"x.y-z_1",
	"deep/er/and/deeper/still/key",
	strings.Repeat("k", blob.MaxSegmentLen),
	strings.Repeat(strings.Repeat("k", 200)+"/", 5) + strings.Repeat("z", 19),
}

func testValidKeys(t *testing.T, s blob.Store) {
	for i, key := range ValidKeys {
		b := []byte{byte(i), 'v'}
		if err := blob.ValidKey(key); err != nil {
			t.Errorf("ValidKey(%q) = %v", key, err)
		}
		put(t, s, key, b)
		if got := readAll(t, s, key); !bytes.Equal(got, b) {
			t.Errorf("%q reads %q; want %q", key, got, b)
		}
	}
	if got := keys(t, s, ""); len(got) != len(ValidKeys) {
		t.Errorf("store lists %d keys; want %d", len(got), len(ValidKeys))
	}
}

func testInvalidKeys(t *testing.T, s blob.Store) {
	ctx := t.Context()
	for _, key := range InvalidKeys {
		if err := blob.ValidKey(key); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("ValidKey(%q) = %v; want ErrInvalidKey", key, err)
		}
		err := s.Put(ctx, key, strings.NewReader("x"), 1, "text/plain")
		errorIs(t, "Put("+key+")", err, blob.ErrInvalidKey)
		o, err := s.Open(ctx, key)
		if err == nil {
			o.Close()
		}
		errorIs(t, "Open("+key+")", err, blob.ErrInvalidKey)
		_, err = s.Stat(ctx, key)
		errorIs(t, "Stat("+key+")", err, blob.ErrInvalidKey)
		errorIs(t, "Delete("+key+")", s.Delete(ctx, key), blob.ErrInvalidKey)
	}
	for _, prefix := range []string{"/abs", "Upper", "a b", "caf\u00e9"} {
		err := s.List(ctx, prefix, func(blob.Info) error { return nil })
		errorIs(t, "List("+prefix+")", err, blob.ErrInvalidKey)
	}
	wantEmpty(t, s)
}
