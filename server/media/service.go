package media

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"sync"
	"time"

	"urcsync/server/blob"
	"urcsync/server/core"
	"urcsync/syncproto"
)

// Config configures a Service. Zero values take the defaults of §5.
type Config struct {
	Records core.MediaRecords
	Store   blob.Store
	// SpoolDir holds the bytes of unfinished resumable uploads.
	SpoolDir string
	// MaxBytes is the size limit of one photo (25 MiB).
	MaxBytes int64
	// Zone is where EXIF times without an offset were taken (Asia/Jakarta).
	Zone *time.Location
	// UploadTTL is how long an unfinished upload lives (24 h).
	UploadTTL time.Duration
	// Retention is how long a deleted photo's bytes are kept (30 days).
	Retention time.Duration
	// OrphanGrace is how old an unowned object must be before the
	// sweeper removes it (1 h).
	OrphanGrace time.Duration
	Now         func() time.Time
	Logger      *slog.Logger
}

// Service implements core.Media.
type Service struct {
	cfg   Config
	locks keyedMutex
	// derive ensures one derivative is generated once at a time.
	derive keyedMutex
}

var _ core.Media = (*Service)(nil)

// New returns the media service; it creates the spool directory.
func New(cfg Config) (*Service, error) {
	if cfg.Records == nil || cfg.Store == nil || cfg.SpoolDir == "" {
		return nil, errors.New("media.New: Records, Store and SpoolDir are required")
	}
	if cfg.MaxBytes == 0 {
		cfg.MaxBytes = 25 << 20
	}
	if cfg.Zone == nil {
		zone, err := time.LoadLocation("Asia/Jakarta")
		if err != nil {
			zone = time.FixedZone("WIB", 7*3600)
		}
		cfg.Zone = zone
	}
	if cfg.UploadTTL == 0 {
		cfg.UploadTTL = 24 * time.Hour
	}
	if cfg.Retention == 0 {
		cfg.Retention = 30 * 24 * time.Hour
	}
	if cfg.OrphanGrace == 0 {
		cfg.OrphanGrace = time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if err := os.MkdirAll(cfg.SpoolDir, 0o700); err != nil {
		return nil, err
	}
	return &Service{cfg: cfg}, nil
}

// Keys of a photo's objects in the store.
func originalKey(id string) string         { return "media/" + id + "/original" }
func derivativeKey(id, kind string) string { return "media/" + id + "/" + kind + ".jpg" }

// storageError turns a store failure into the protocol's answer: 503
// storage_unavailable with Retry-After for an outage.
func storageError(err error) error {
	if errors.Is(err, blob.ErrUnavailable) {
		return &core.Error{Code: syncproto.CodeStorageUnavailable, Message: "photo storage is unavailable; retry later", RetryAfter: 10}
	}
	return err
}

func notFound() error { return core.Errorf(syncproto.CodeNotFound, "no such media") }

// keyedMutex serialises work per key.
type keyedMutex struct {
	mu sync.Mutex
	m  map[string]*keyLock
}

type keyLock struct {
	sync.Mutex
	users int
}

func (k *keyedMutex) lock(key string) func() {
	k.mu.Lock()
	if k.m == nil {
		k.m = map[string]*keyLock{}
	}
	l := k.m[key]
	if l == nil {
		l = &keyLock{}
		k.m[key] = l
	}
	l.users++
	k.mu.Unlock()
	l.Lock()
	return func() {
		l.Unlock()
		k.mu.Lock()
		if l.users--; l.users == 0 {
			delete(k.m, key)
		}
		k.mu.Unlock()
	}
}

// uploader checks that p may upload the bytes of media id: the record
// exists in scope, is live, and p is the device that created it.
func (s *Service) uploader(ctx context.Context, p core.Principal, id string) (core.MediaInfo, error) {
	info, err := s.cfg.Records.MediaInfo(ctx, p, id)
	if err != nil {
		return info, err
	}
	if info.Deleted || info.CreatedDevice != p.DeviceID {
		return info, notFound()
	}
	return info, nil
}
