package local

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"

	"urcsync/server/blob"
)

// Open opens key's file for reading.
func (s *Store) Open(ctx context.Context, key string) (blob.Object, error) {
	if err := blob.ValidKey(key); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("local open %q: %w", key, err)
	}
	f, err := s.root.Open(key)
	if isNotExist(err) {
		return nil, blob.NotFound(key)
	}
	if err != nil {
		return nil, blob.Unavailable(fmt.Sprintf("local open %q", key), err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, blob.Unavailable(fmt.Sprintf("local open %q", key), err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, blob.NotFound(key)
	}
	return &object{f: f, info: info(key, fi)}, nil
}

// Stat returns key's size and modification time.
func (s *Store) Stat(ctx context.Context, key string) (blob.Info, error) {
	if err := blob.ValidKey(key); err != nil {
		return blob.Info{}, err
	}
	if err := ctx.Err(); err != nil {
		return blob.Info{}, fmt.Errorf("local stat %q: %w", key, err)
	}
	fi, err := s.root.Stat(key)
	if isNotExist(err) || err == nil && !fi.Mode().IsRegular() {
		return blob.Info{}, blob.NotFound(key)
	}
	if err != nil {
		return blob.Info{}, blob.Unavailable(fmt.Sprintf("local stat %q", key), err)
	}
	return info(key, fi), nil
}

func info(key string, fi fs.FileInfo) blob.Info {
	return blob.Info{Key: key, Size: fi.Size(), ModTime: fi.ModTime()}
}

// object is an open file as a blob.Object.
type object struct {
	f    *os.File
	info blob.Info
}

func (o *object) Info() blob.Info { return o.info }

func (o *object) Read(p []byte) (int, error) {
	n, err := o.f.Read(p)
	if err != nil && err != io.EOF {
		err = blob.Unavailable(fmt.Sprintf("local read %q", o.info.Key), err)
	}
	return n, err
}

func (o *object) Seek(offset int64, whence int) (int64, error) {
	return o.f.Seek(offset, whence)
}

func (o *object) Close() error { return o.f.Close() }
