package blob

import (
	"errors"
	"fmt"
)

var (
	// ErrNotFound means no object is stored under the key.
	ErrNotFound = errors.New("blob: not found")
	// ErrUnavailable means the storage backend could not be reached or
	// failed; the caller may retry later (HTTP 503 storage_unavailable).
	ErrUnavailable = errors.New("blob: storage unavailable")
	// ErrInvalidKey means the key (or list prefix) breaks the key rules.
	ErrInvalidKey = errors.New("blob: invalid key")
	// ErrDigest means the store refused bytes that did not match the
	// SHA-256 given with WithSHA256.
	ErrDigest = errors.New("blob: bytes do not match their digest")
)

// Unavailable returns an error wrapping both ErrUnavailable and cause, with
// op (such as "s3 put media/x") for context.
func Unavailable(op string, cause error) error {
	return fmt.Errorf("%s: %w: %w", op, ErrUnavailable, cause)
}

// NotFound returns an error wrapping ErrNotFound for key.
func NotFound(key string) error {
	return fmt.Errorf("%w: %q", ErrNotFound, key)
}
