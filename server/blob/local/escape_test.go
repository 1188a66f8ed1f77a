package local_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"urcsync/server/blob"
	"urcsync/server/blob/local"
)

func TestSymlinkOutsideFolderIsNotFollowed(t *testing.T) {
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "secret"), []byte("secret"), 0o644)
	dir := filepath.Join(t.TempDir(), "media")
	s, err := local.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := os.Symlink(outside, filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Open(t.Context(), "link/secret"); err == nil {
		t.Errorf("Open through a symlink leaving the folder succeeded")
	}
	if err := s.Put(t.Context(), "link/planted", strings.NewReader("x"), 1, "text/plain"); err == nil {
		t.Errorf("Put through a symlink leaving the folder succeeded")
	}
	if _, err := os.Stat(filepath.Join(outside, "planted")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a file was written outside the folder: %v", err)
	}
	s.List(t.Context(), "", func(i blob.Info) error {
		t.Errorf("List shows %q from outside the folder", i.Key)
		return nil
	})
}

func TestNewRemovesStaleTemps(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "media")
	s, err := local.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	old, fresh := filepath.Join(dir, ".tmp", "put-old"), filepath.Join(dir, ".tmp", "put-fresh")
	for _, p := range []string{old, fresh} {
		if err := os.WriteFile(p, []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	longAgo := time.Now().Add(-2 * time.Hour)
	os.Chtimes(old, longAgo, longAgo)
	s, err = local.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := os.Stat(old); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale temporary file kept: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("recent temporary file (maybe a write in progress) removed: %v", err)
	}
}
