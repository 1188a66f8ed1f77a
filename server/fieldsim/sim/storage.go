package sim

import (
	"fmt"
	"os"
	"path/filepath"

	"urcsync/server/blob/s3/s3test"
)

// startStorage starts the S3 gateway when the run keeps photos in object
// storage, and returns the server's environment for it (none for the
// local folder). An unavailable gateway wraps s3test.ErrUnavailable.
func (w *world) startStorage() ([]string, error) {
	if w.cfg.Storage != StorageS3 {
		return nil, nil
	}
	g, err := s3test.Start(filepath.Join(w.dir, "s3"))
	if err != nil {
		return nil, fmt.Errorf("object storage: %w", err)
	}
	w.gateway = g
	c := g.Config()
	return []string{"URC_S3_ENDPOINT=" + c.Endpoint, "URC_S3_BUCKET=" + c.Bucket,
		"URC_S3_ACCESS_KEY=" + c.AccessKey, "URC_S3_SECRET_KEY=" + c.SecretKey, "URC_S3_REGION=" + c.Region}, nil
}

// mediaBytes is what the stored photos (originals and derivatives) take:
// in the gateway's directory, or in the server's media folder.
func (w *world) mediaBytes(localMedia int64) int64 {
	if w.gateway == nil {
		return localMedia
	}
	var n int64
	filepath.Walk(w.gateway.Dir(), func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n += info.Size()
		}
		return nil
	})
	return n
}
