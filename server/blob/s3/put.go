package s3

import (
	"context"
	"fmt"
	"io"

	"github.com/minio/minio-go/v7"

	"urcsync/server/blob"
)

// Put streams the object in one PUT request. The body is wrapped so that
// minio-go sees neither a Seeker nor a ReaderAt: it neither buffers nor
// stages it, and never resends it.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	if err := blob.ValidKey(key); err != nil {
		return err
	}
	op := fmt.Sprintf("s3 put %q", key)
	if size < 0 {
		return fmt.Errorf("%s: negative size %d", op, size)
	}
	src := blob.NewSizedReader(r, size)
	_, err := s.client.PutObject(ctx, s.bucket, key, src, size, minio.PutObjectOptions{
		ContentType:      contentType,
		DisableMultipart: true,
	})
	if src.Err() != nil {
		return fmt.Errorf("%s: %w", op, src.Err())
	}
	if err == nil && src.Remaining() > 0 {
		return fmt.Errorf("%s: %d bytes not sent: %w", op, src.Remaining(), io.ErrUnexpectedEOF)
	}
	return classify(ctx, op, err)
}
