package s3

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"

	"github.com/minio/minio-go/v7"

	"urcsync/server/blob"
)

// Put streams the object in one PUT request. The body is wrapped so that
// minio-go sees neither a Seeker nor a ReaderAt: it neither buffers nor
// stages it, and never resends it. With WithSHA256 the digest travels as
// x-amz-checksum-sha256 and the store checks the bytes against it, so
// minio-go need not hash every chunk again to sign the payload.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string, opts ...blob.PutOption) error {
	if err := blob.ValidKey(key); err != nil {
		return err
	}
	op := fmt.Sprintf("s3 put %q", key)
	if size < 0 {
		return fmt.Errorf("%s: negative size %d", op, size)
	}
	if err := s.ensureBucket(ctx); err != nil {
		return err
	}
	src := blob.NewSizedReader(r, size)
	po := minio.PutObjectOptions{ContentType: contentType, DisableMultipart: true}
	if sum := blob.Options(opts).SHA256; len(sum) == sha256.Size {
		po.DisableContentSha256 = true
		po.UserMetadata = map[string]string{"x-amz-checksum-sha256": base64.StdEncoding.EncodeToString(sum)}
	}
	_, err := s.client.PutObject(ctx, s.bucket, key, src, size, po)
	if src.Err() != nil {
		return fmt.Errorf("%s: %w", op, src.Err())
	}
	if err == nil && src.Remaining() > 0 {
		return fmt.Errorf("%s: %d bytes not sent: %w", op, src.Remaining(), io.ErrUnexpectedEOF)
	}
	return classify(ctx, op, err)
}
