package blob_test

import (
	"errors"
	"strings"
	"testing"

	"urcsync/server/blob"
	"urcsync/server/blob/blobtest"
)

func TestValidKey(t *testing.T) {
	for _, k := range blobtest.ValidKeys {
		if err := blob.ValidKey(k); err != nil {
			t.Errorf("ValidKey(%q) = %v; want nil", k, err)
		}
	}
	for _, k := range blobtest.InvalidKeys {
		if err := blob.ValidKey(k); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("ValidKey(%q) = %v; want ErrInvalidKey", k, err)
		}
	}
}

func TestValidPrefix(t *testing.T) {
	for _, p := range []string{"", "media", "media/", "media/2f/a", "a.b_c-d/"} {
		if err := blob.ValidPrefix(p); err != nil {
			t.Errorf("ValidPrefix(%q) = %v; want nil", p, err)
		}
	}
	for _, p := range []string{"/", "/media", "Media", "a b", "caf\u00e9", strings.Repeat("a", blob.MaxKeyLen+1)} {
		if err := blob.ValidPrefix(p); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("ValidPrefix(%q) = %v; want ErrInvalidKey", p, err)
		}
	}
}

func FuzzValidKey(f *testing.F) {
	for _, k := range append(blobtest.ValidKeys, blobtest.InvalidKeys...) {
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, key string) {
		if blob.ValidKey(key) != nil {
			return
		}
		if strings.HasPrefix(key, "/") || strings.Contains(key, "..") || strings.Contains(key, "//") ||
			strings.HasSuffix(key, "/") || strings.Contains(key, "/.") || strings.HasPrefix(key, ".") {
			t.Fatalf("ValidKey accepted %q", key)
		}
		if strings.Trim(key, "abcdefghijklmnopqrstuvwxyz0123456789/._-") != "" {
			t.Fatalf("ValidKey accepted %q with other characters", key)
		}
	})
}
