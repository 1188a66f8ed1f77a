package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"urcsync/server/blob"
	"urcsync/server/blob/local"
	"urcsync/server/blob/s3"
)

// openBlobStore chooses where photo bytes live: S3-compatible object
// storage when URC_S3_ENDPOINT is set, else the folder DATA/media.
func openBlobStore(ctx context.Context, dataDir string, getenv func(string) string) (blob.Store, string, error) {
	if cfg, ok := s3.ConfigFromEnv(getenv); ok {
		st, err := s3.New(ctx, cfg)
		if err != nil {
			return nil, "", fmt.Errorf("object storage %s: %w", cfg.Endpoint, err)
		}
		return st, "s3://" + cfg.Endpoint + "/" + cfg.Bucket, nil
	}
	dir := filepath.Join(dataDir, "media")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, "", err
	}
	st, err := local.New(dir)
	if err != nil {
		return nil, "", err
	}
	return st, dir, nil
}
