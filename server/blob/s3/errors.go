package s3

import (
	"context"
	"errors"
	"fmt"

	"github.com/minio/minio-go/v7"

	"urcsync/server/blob"
)

// unavailableCodes are S3 error codes that mean the storage cannot serve
// us now or with this configuration: for callers, an outage.
var unavailableCodes = map[string]bool{
	minio.NoSuchBucket:           true,
	minio.AccessDenied:           true,
	"InvalidAccessKeyId":         true,
	"SignatureDoesNotMatch":      true,
	"SlowDown":                   true,
	"ServiceUnavailable":         true,
	"InternalError":              true,
	"RequestTimeout":             true,
	"XMinioServerNotInitialized": true,
}

// errorCode returns the S3 error code inside err, or "".
func errorCode(err error) string {
	var resp minio.ErrorResponse
	if errors.As(err, &resp) {
		return resp.Code
	}
	return ""
}

// classify turns a minio-go error into the blob error contract: NoSuchKey
// wraps blob.ErrNotFound; network failures, timeouts, 5xx and codes that
// make the storage unusable wrap blob.ErrUnavailable; a cancelled ctx wraps
// context.Canceled; anything else (a request the server refused) is
// returned with op for context.
func classify(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(ctx.Err(), context.Canceled) {
		return fmt.Errorf("%s: %w", op, context.Canceled)
	}
	var resp minio.ErrorResponse
	if !errors.As(err, &resp) {
		return blob.Unavailable(op, err)
	}
	switch {
	case resp.Code == minio.NoSuchKey:
		return fmt.Errorf("%s: %w", op, blob.ErrNotFound)
	case digestCodes[resp.Code]:
		return fmt.Errorf("%s: %w: %w", op, blob.ErrDigest, err)
	case resp.StatusCode >= 500 || unavailableCodes[resp.Code]:
		return blob.Unavailable(op, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// digestCodes are the S3 error codes for bytes that do not match the
// checksum sent with them.
var digestCodes = map[string]bool{"BadDigest": true, "XAmzContentChecksumMismatch": true, "InvalidDigest": true, "XAmzContentSHA256Mismatch": true}
