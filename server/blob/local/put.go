package local

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"path"

	"urcsync/server/blob"
)

// copyBufSize is the one buffer a Put uses, whatever the object's size.
const copyBufSize = 128 << 10

// Put writes the object to a temporary file, fsyncs it, renames it to key
// and fsyncs key's directory. On any error the temporary file is removed.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string, opts ...blob.PutOption) (err error) {
	if err := blob.ValidKey(key); err != nil {
		return err
	}
	if size < 0 {
		return fmt.Errorf("local put %q: negative size %d", key, size)
	}
	op := fmt.Sprintf("local put %q", key)
	tmp, f, err := s.createTemp()
	if err != nil {
		return blob.Unavailable(op, err)
	}
	defer func() {
		if f != nil {
			f.Close()
		}
		if err != nil {
			s.root.Remove(tmp)
		}
	}()

	want := blob.Options(opts).SHA256
	h := sha256.New()
	var w io.Writer = f
	if want != nil {
		w = io.MultiWriter(f, h)
	}
	src := blob.NewSizedReader(ctxReader{ctx, r}, size)
	buf := make([]byte, min(copyBufSize, max(size, 1)))
	if _, err := io.CopyBuffer(struct{ io.Writer }{w}, src, buf); err != nil {
		if src.Err() != nil {
			return fmt.Errorf("%s: %w", op, src.Err())
		}
		return blob.Unavailable(op, err)
	}
	if want != nil && !bytes.Equal(h.Sum(nil), want) {
		return fmt.Errorf("%s: %w", op, blob.ErrDigest)
	}
	if err := f.Sync(); err != nil {
		return blob.Unavailable(op, err)
	}
	err = f.Close()
	f = nil
	if err != nil {
		return blob.Unavailable(op, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}

	dir := path.Dir(key)
	if err := s.root.MkdirAll(dir, 0o755); err != nil {
		return blob.Unavailable(op, err)
	}
	if err := s.root.Rename(tmp, key); err != nil {
		return blob.Unavailable(op, err)
	}
	if err := s.syncDir(dir); err != nil {
		s.root.Remove(key)
		return blob.Unavailable(op, err)
	}
	return nil
}

// ctxReader fails reads once ctx is done, so a cancelled request stops a
// long copy.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
