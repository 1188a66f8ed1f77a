package s3

import (
	"context"
	"fmt"

	"github.com/minio/minio-go/v7"

	"urcsync/server/blob"
)

// Delete removes key; S3 answers success for an absent key too.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := blob.ValidKey(key); err != nil {
		return err
	}
	err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{})
	if errorCode(err) == minio.NoSuchKey {
		return nil
	}
	return classify(ctx, fmt.Sprintf("s3 delete %q", key), err)
}

// List lists the bucket recursively under prefix. Names that are not valid
// keys (such as folder markers ending in "/") are skipped.
func (s *Store) List(ctx context.Context, prefix string, fn func(blob.Info) error) error {
	if err := blob.ValidPrefix(prefix); err != nil {
		return err
	}
	lctx, cancel := context.WithCancel(ctx)
	ch := s.client.ListObjects(lctx, s.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true})
	defer func() {
		cancel()
		for range ch {
		}
	}()
	for oi := range ch {
		if oi.Err != nil {
			return classify(ctx, fmt.Sprintf("s3 list %q", prefix), oi.Err)
		}
		if blob.ValidKey(oi.Key) != nil {
			continue
		}
		if err := fn(info(oi)); err != nil {
			return err
		}
	}
	return nil
}
