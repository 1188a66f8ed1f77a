// Package blob defines where media bytes live: one Store interface with small
// backends in subpackages (local for a folder, s3 for S3-compatible object
// storage) and one conformance suite, blobtest, that every backend passes.
package blob

import (
	"context"
	"io"
	"time"
)

// Store is where media bytes live. Keys are slash-separated, [a-z0-9/._-],
// no "..", no leading slash (see ValidKey).
//
// Every method returns an error wrapping ErrInvalidKey for a key that is not
// valid, and an error wrapping ErrUnavailable when the backend cannot be
// reached or fails (connection refused, timeout, 5xx, I/O error).
type Store interface {
	// Put streams exactly size bytes from r to key, replacing any object
	// already there. The object appears atomically: a reader never sees a
	// half-written object, and on any error nothing new is left under key
	// (an object that was there before stays as it was). Memory use is
	// bounded (≈1 MiB) whatever size is.
	//
	// If r fails, Put returns an error wrapping r's error; if r ends before
	// size bytes, an error wrapping io.ErrUnexpectedEOF. Neither wraps
	// ErrUnavailable. Bytes of r past size are not read. WithSHA256 makes
	// the store itself check the bytes where the backend can (ErrDigest
	// when they differ).
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string, opts ...PutOption) error

	// Open returns the object for reading with seeking (for HTTP Range via
	// http.ServeContent). Errors: ErrNotFound when absent, ErrUnavailable,
	// ErrInvalidKey. Reads and seeks on the Object report backend failures
	// wrapping ErrUnavailable too.
	Open(ctx context.Context, key string) (Object, error)

	// Stat returns size and modification time. Errors: ErrNotFound when
	// absent, ErrUnavailable, ErrInvalidKey.
	Stat(ctx context.Context, key string) (Info, error)

	// Delete removes key; deleting an absent key is not an error. Errors:
	// ErrUnavailable, ErrInvalidKey.
	Delete(ctx context.Context, key string) error

	// List calls fn for every object whose key starts with prefix (for
	// sweepers), in no particular order. An error from fn stops the listing
	// and is returned. Errors: ErrUnavailable, ErrInvalidKey for a prefix
	// with characters no key may have.
	List(ctx context.Context, prefix string, fn func(Info) error) error

	// Ready reports whether the store is reachable: nil, or an error
	// wrapping ErrUnavailable.
	Ready(ctx context.Context) error
}

// Object is an open stored object: readable, seekable, and closed by the
// caller.
type Object interface {
	io.ReadSeekCloser
	// Info describes the object as it was when opened.
	Info() Info
}

// Info describes a stored object.
type Info struct {
	Key     string
	Size    int64
	ModTime time.Time
}
