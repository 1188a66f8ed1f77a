// Package local stores media bytes in a folder: the embedded default
// (for example DATA/media). Objects are plain files named by their key under
// the folder; writes are staged in the folder's ".tmp" directory, fsynced and
// renamed into place, so an object appears whole or not at all. All access
// goes through os.Root, so no key or symlink can reach outside the folder.
package local

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
	"time"

	"urcsync/server/blob"
)

// tmpDir holds writes in progress. Its name starts with a dot, which no key
// segment may, so it never clashes with an object and List never shows it.
const tmpDir = ".tmp"

// staleTemp is how old a leftover temporary file (from a crash) must be for
// New to remove it.
const staleTemp = time.Hour

// Store is a blob.Store backed by a folder.
type Store struct {
	root *os.Root
}

var _ blob.Store = (*Store)(nil)

// New opens (creating if needed) the folder dir as a Store and removes
// temporary files that earlier processes left behind.
func New(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, blob.Unavailable("local: create folder", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, blob.Unavailable("local: open folder", err)
	}
	if err := root.MkdirAll(tmpDir, 0o755); err != nil {
		root.Close()
		return nil, blob.Unavailable("local: create temp folder", err)
	}
	s := &Store{root: root}
	s.removeStaleTemps(time.Now().Add(-staleTemp))
	return s, nil
}

// Close releases the folder handle.
func (s *Store) Close() error { return s.root.Close() }

// Ready reports whether a file can be created in the folder.
func (s *Store) Ready(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return blob.Unavailable("local ready", err)
	}
	name, f, err := s.createTemp()
	if err != nil {
		return blob.Unavailable("local ready", err)
	}
	f.Close()
	if err := s.root.Remove(name); err != nil {
		return blob.Unavailable("local ready", err)
	}
	return nil
}

// Delete removes key; an absent key is not an error.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := blob.ValidKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("local delete %q: %w", key, err)
	}
	fi, err := s.root.Lstat(key)
	if isNotExist(err) || err == nil && fi.IsDir() {
		return nil
	}
	if err != nil {
		return blob.Unavailable(fmt.Sprintf("local delete %q", key), err)
	}
	if err := s.root.Remove(key); err != nil && !isNotExist(err) {
		return blob.Unavailable(fmt.Sprintf("local delete %q", key), err)
	}
	return nil
}

// isNotExist reports whether err means the path is absent, including a file
// standing where a parent directory would be.
func isNotExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}
