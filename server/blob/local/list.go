package local

import (
	"context"
	"errors"
	"io/fs"
	"strings"

	"urcsync/server/blob"
)

// List walks only the directory that prefix points into, skipping
// directories that cannot hold a matching key and anything that is not a
// valid key (such as the temporary folder).
func (s *Store) List(ctx context.Context, prefix string, fn func(blob.Info) error) error {
	if err := blob.ValidPrefix(prefix); err != nil {
		return err
	}
	start := "."
	if i := strings.LastIndexByte(prefix, '/'); i >= 0 {
		start = prefix[:i]
	}
	err := fs.WalkDir(s.root.FS(), start, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if isNotExist(err) {
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			if p != start && (strings.HasPrefix(d.Name(), ".") || !strings.HasPrefix(p+"/", prefix)) {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !strings.HasPrefix(p, prefix) || blob.ValidKey(p) != nil {
			return nil
		}
		fi, err := d.Info()
		if isNotExist(err) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(info(p, fi)); err != nil {
			return &callbackError{err}
		}
		return nil
	})
	var cbErr *callbackError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &cbErr):
		return cbErr.err
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return err
	}
	return blob.Unavailable("local list "+prefix, err)
}

// callbackError carries an error from List's callback through fs.WalkDir.
type callbackError struct{ err error }

func (e *callbackError) Error() string { return e.err.Error() }
