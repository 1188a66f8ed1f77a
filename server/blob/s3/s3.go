// Package s3 stores media bytes in S3-compatible object storage (AWS S3,
// MinIO, Versity S3 Gateway, …) through minio-go, with path-style
// addressing.
//
// Put sends every object as one streamed PUT request (never multipart), so
// an object appears whole or not at all and the process holds no copy of
// it: measured with blobtest's BoundedMemory check, a 48 MiB Put allocates
// about 0.2 MiB in total. The price is S3's 5 GiB limit on a single PUT,
// far above any photo.
//
// Requests fail fast when the storage is down (short dial timeout, few
// retries) and such failures wrap blob.ErrUnavailable.
package s3

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"urcsync/server/blob"
)

// Config says where the bucket is and how to sign in.
type Config struct {
	// Endpoint is host:port, such as "s3.example.org:443" or
	// "127.0.0.1:7070". An "http://" or "https://" prefix is accepted and
	// sets UseTLS.
	Endpoint string
	// Bucket is created if missing.
	Bucket    string
	AccessKey string
	SecretKey string
	// Region may be empty: the client then asks the server.
	Region string
	UseTLS bool
}

// Store is a blob.Store backed by an S3 bucket.
type Store struct {
	client *minio.Client
	bucket string
	region string
	// bucketMade is set once the bucket is known to exist.
	bucketMade atomic.Bool
}

var _ blob.Store = (*Store)(nil)

// New connects to the storage and creates the bucket if missing. When
// the storage cannot be used (unreachable, or refusing these credentials:
// see classify), New still returns the store, so that the server starts
// and record sync goes on during an outage: the bucket is made by the
// first Put or Ready that succeeds, and until then /readyz reports the
// storage unavailable. Any other failure is New's error.
func New(ctx context.Context, cfg Config) (*Store, error) {
	endpoint := cfg.Endpoint
	secure := cfg.UseTLS
	if e, ok := strings.CutPrefix(endpoint, "https://"); ok {
		endpoint, secure = e, true
	} else if e, ok := strings.CutPrefix(endpoint, "http://"); ok {
		endpoint = e
	}
	endpoint = strings.TrimSuffix(endpoint, "/")
	if endpoint == "" || cfg.Bucket == "" {
		return nil, errors.New("s3: endpoint and bucket are required")
	}
	tr, err := newTransport(secure)
	if err != nil {
		return nil, fmt.Errorf("s3: %w", err)
	}
	client, err := minio.New(endpoint, &minio.Options{
		Creds:           credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:          secure,
		Transport:       tr,
		Region:          cfg.Region,
		BucketLookup:    minio.BucketLookupPath,
		TrailingHeaders: true,
		MaxRetries:      maxAttempts,
	})
	if err != nil {
		return nil, fmt.Errorf("s3: %w", err)
	}
	s := &Store{client: client, bucket: cfg.Bucket, region: cfg.Region}
	if err := s.ensureBucket(ctx); err != nil && !errors.Is(err, blob.ErrUnavailable) {
		return nil, err
	}
	return s, nil
}

// ensureBucket creates the bucket unless it is known to exist.
func (s *Store) ensureBucket(ctx context.Context) error {
	if s.bucketMade.Load() {
		return nil
	}
	err := s.makeBucket(ctx)
	if err == nil {
		s.bucketMade.Store(true)
	}
	return err
}

// makeBucket creates the bucket unless it exists.
func (s *Store) makeBucket(ctx context.Context) error {
	op := fmt.Sprintf("s3 create bucket %q", s.bucket)
	exists, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return classify(ctx, op, err)
	}
	if exists {
		return nil
	}
	err = s.client.MakeBucket(ctx, s.bucket, minio.MakeBucketOptions{Region: s.region})
	if code := errorCode(err); code == minio.BucketAlreadyOwnedByYou || code == minio.BucketAlreadyExists {
		return nil
	}
	return classify(ctx, op, err)
}

// Ready reports whether the bucket answers.
func (s *Store) Ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	if err := s.ensureBucket(ctx); err != nil {
		return blob.Unavailable("s3 ready", err)
	}
	exists, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return blob.Unavailable("s3 ready", err)
	}
	if !exists {
		return blob.Unavailable("s3 ready", fmt.Errorf("bucket %q does not exist", s.bucket))
	}
	return nil
}
