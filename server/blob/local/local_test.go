package local_test

import (
	"os"
	"path/filepath"
	"testing"

	"urcsync/server/blob"
	"urcsync/server/blob/blobtest"
	"urcsync/server/blob/local"
)

func newStore(t *testing.T) *local.Store {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "media")
	s, err := local.New(dir)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		s.Close()
		if entries, _ := os.ReadDir(filepath.Join(dir, ".tmp")); len(entries) != 0 {
			t.Errorf("temporary files left behind: %d", len(entries))
		}
	})
	return s
}

func TestConformance(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blob.Store { return newStore(t) })
}
