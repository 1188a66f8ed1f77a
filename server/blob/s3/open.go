package s3

import (
	"context"
	"fmt"
	"io"

	"github.com/minio/minio-go/v7"

	"urcsync/server/blob"
)

// Open starts a GET of key. Later reads and seeks run in ctx, so ctx must
// stay alive until the object is closed.
func (s *Store) Open(ctx context.Context, key string) (blob.Object, error) {
	if err := blob.ValidKey(key); err != nil {
		return nil, err
	}
	op := fmt.Sprintf("s3 open %q", key)
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, classify(ctx, op, err)
	}
	oi, err := obj.Stat()
	if err != nil {
		obj.Close()
		return nil, classify(ctx, op, err)
	}
	return &object{ctx: ctx, obj: obj, info: info(oi)}, nil
}

// Stat asks for key's size and modification time.
func (s *Store) Stat(ctx context.Context, key string) (blob.Info, error) {
	if err := blob.ValidKey(key); err != nil {
		return blob.Info{}, err
	}
	oi, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return blob.Info{}, classify(ctx, fmt.Sprintf("s3 stat %q", key), err)
	}
	return info(oi), nil
}

func info(oi minio.ObjectInfo) blob.Info {
	return blob.Info{Key: oi.Key, Size: oi.Size, ModTime: oi.LastModified}
}

// object is minio-go's lazily fetched object as a blob.Object, with its
// errors put in blob terms.
type object struct {
	ctx  context.Context
	obj  *minio.Object
	info blob.Info
}

func (o *object) Info() blob.Info { return o.info }

func (o *object) Read(p []byte) (int, error) {
	n, err := o.obj.Read(p)
	if err != nil && err != io.EOF {
		err = classify(o.ctx, fmt.Sprintf("s3 read %q", o.info.Key), err)
	}
	return n, err
}

func (o *object) Seek(offset int64, whence int) (int64, error) {
	n, err := o.obj.Seek(offset, whence)
	if err != nil {
		err = classify(o.ctx, fmt.Sprintf("s3 seek %q", o.info.Key), err)
	}
	return n, err
}

func (o *object) Close() error { return o.obj.Close() }
