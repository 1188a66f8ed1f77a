package client

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"urcsync/syncproto"
)

const (
	defaultMaxAttempts = 8
	defaultBackoff     = 200 * time.Millisecond
	maxBackoff         = 30 * time.Second
	defaultBatchSize   = 500
	maxBatchSize       = 1000
	defaultHTTPTimeout = 30 * time.Second
	defaultChunkSize   = 1 << 20
	// defaultMaxPhotoWait is how long UploadMedia waits out a storage
	// outage before leaving the photos for the next call.
	defaultMaxPhotoWait = 5 * time.Second
)

// ErrNotLoggedIn is returned by network operations that need a token when
// the client holds none (never logged in, logged out, or the token was
// dropped after a 401).
var ErrNotLoggedIn = errors.New("not logged in")

// ErrStorageUnavailable is returned (wrapped) by UploadMedia when the
// server's photo storage is out for longer than Options.MaxPhotoWait: the
// photos stay queued for a later call, and records sync on meanwhile.
var ErrStorageUnavailable = errors.New("the server's photo storage is unavailable; photos stay queued")

// ErrPendingChanges is returned by Login when a different user tries to log
// in while the previous user's changes could not all be pushed.
var ErrPendingChanges = errors.New("changes of the previous user are still pending")

// Options configure a Client. The zero value is usable.
type Options struct {
	// HTTPClient sends the requests; nil means a default client with a
	// 30 s timeout.
	HTTPClient *http.Client
	// Now is the phone's wall clock; nil means time.Now.
	Now func() time.Time
	// MaxAttempts bounds the attempts per request when the answer is a
	// 5xx, a 429 or no answer at all; default 8.
	MaxAttempts int
	// Backoff is the wait before the first resend, doubled (with jitter,
	// capped at 30 s) for each further one; a Retry-After in
	// delta-seconds takes precedence. Default 200 ms.
	Backoff time.Duration
	// BatchSize is the number of changes per push and the pull page
	// limit; default 500, at most 1000.
	BatchSize int
	// DeviceID fixes the device id; by default one is generated (UUID v7)
	// on first use and stored in the file.
	DeviceID string
	// Gzip compresses push bodies and asks for gzip-compressed answers.
	Gzip bool
	// ChunkSize is the number of photo bytes sent per resumable-upload
	// PATCH; default 1 MiB.
	ChunkSize int64
	// MaxPhotoWait is the longest UploadMedia waits for the server's
	// photo storage to come back (a 503 storage_unavailable whose
	// Retry-After, or backoff, is longer ends the call with
	// ErrStorageUnavailable, the photos kept queued); default 5 s.
	MaxPhotoWait time.Duration
}

// Client is one phone: a local SQLite store and the sync protocol spoken
// against one server. Its methods are safe for concurrent use; pushes,
// pulls, logins and logouts run one at a time.
type Client struct {
	db       *sql.DB
	baseURL  string
	opt      Options
	http     *http.Client
	now      func() time.Time
	deviceID string
	clock    *syncproto.Clock
	// dbDir is the directory of the SQLite file; mediaDir, next to the
	// file, holds the copies of photos not yet uploaded.
	dbDir    string
	mediaDir string

	// mu serialises changes to local state, so that stamps, outbox and
	// replica move together.
	mu sync.Mutex
	// syncMu serialises network operations.
	syncMu sync.Mutex
}

// Open opens (creating if needed) the phone's SQLite file at path and
// returns a client that talks to the server at baseURL.
func Open(path, baseURL string, opt Options) (*Client, error) {
	base, err := normaliseBaseURL(baseURL)
	if err != nil {
		return nil, fmt.Errorf("client: open: %w", err)
	}
	opt, err = withDefaults(opt)
	if err != nil {
		return nil, fmt.Errorf("client: open: %w", err)
	}
	abs, err := filepath.Abs(path)
	if err != nil || path == "" {
		return nil, fmt.Errorf("client: open: invalid database path %q", path)
	}
	db, err := openDB(path)
	if err != nil {
		return nil, fmt.Errorf("client: open %s: %w", path, err)
	}
	c := &Client{db: db, baseURL: base, opt: opt, http: opt.HTTPClient, now: opt.Now,
		dbDir: filepath.Dir(abs), mediaDir: abs + ".media"}
	if err := c.loadIdentity(); err != nil {
		db.Close()
		return nil, fmt.Errorf("client: open %s: %w", path, err)
	}
	return c, nil
}

func normaliseBaseURL(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("base URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("base URL %q: want an absolute http or https URL", s)
	}
	return strings.TrimRight(s, "/"), nil
}

func withDefaults(opt Options) (Options, error) {
	if opt.HTTPClient == nil {
		opt.HTTPClient = &http.Client{Timeout: defaultHTTPTimeout}
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.MaxAttempts <= 0 {
		opt.MaxAttempts = defaultMaxAttempts
	}
	if opt.Backoff <= 0 {
		opt.Backoff = defaultBackoff
	}
	switch {
	case opt.BatchSize <= 0:
		opt.BatchSize = defaultBatchSize
	case opt.BatchSize > maxBatchSize:
		opt.BatchSize = maxBatchSize
	}
	if opt.ChunkSize <= 0 {
		opt.ChunkSize = defaultChunkSize
	}
	if opt.MaxPhotoWait <= 0 {
		opt.MaxPhotoWait = defaultMaxPhotoWait
	}
	if opt.DeviceID != "" {
		id, ok := syncproto.CanonicalUUID(opt.DeviceID)
		if !ok {
			return opt, fmt.Errorf("device id %q is not a UUID", opt.DeviceID)
		}
		opt.DeviceID = id
	}
	return opt, nil
}

// loadIdentity reads (or creates) the device id and restores the clock
// from the saved stamp.
func (c *Client) loadIdentity() error {
	return c.inTx(func(tx *sql.Tx) error {
		stored, err := getState(tx, keyDeviceID)
		if err != nil {
			return err
		}
		switch {
		case stored != "" && c.opt.DeviceID != "" && stored != c.opt.DeviceID:
			return fmt.Errorf("file belongs to device %s, not %s", stored, c.opt.DeviceID)
		case stored != "":
			c.deviceID = stored
		case c.opt.DeviceID != "":
			c.deviceID = c.opt.DeviceID
		default:
			id, err := uuid.NewV7()
			if err != nil {
				return fmt.Errorf("generate device id: %w", err)
			}
			c.deviceID = id.String()
		}
		if stored == "" {
			if err := setState(tx, keyDeviceID, c.deviceID); err != nil {
				return err
			}
		}
		last, err := loadHLC(tx)
		if err != nil {
			return err
		}
		c.clock = syncproto.NewClock(c.deviceID, last, c.now)
		return nil
	})
}

// Close closes the SQLite file.
func (c *Client) Close() error {
	if err := c.db.Close(); err != nil {
		return fmt.Errorf("client: close: %w", err)
	}
	return nil
}

// DeviceID returns the phone's device id (lowercase UUID).
func (c *Client) DeviceID() string { return c.deviceID }

// Clock returns the last HLC stamp the phone issued or observed.
func (c *Client) Clock() syncproto.HLC { return c.clock.Last() }

// Cursor returns the final cursor of the last completed pull, or "" if no
// pull has completed (or the state cannot be read).
func (c *Client) Cursor() string {
	v, err := getState(c.db, keyCursor)
	if err != nil {
		return ""
	}
	return v
}

// Sync pushes the outbox, uploads the queued photos whose records the
// server now has, then pulls. A failed photo upload does not keep the
// records from being pulled; its error is returned with the pull's.
func (c *Client) Sync(ctx context.Context) error {
	if _, err := c.Push(ctx); err != nil {
		return err
	}
	_, mediaErr := c.UploadMedia(ctx)
	if mediaErr != nil && ctx.Err() != nil {
		return mediaErr
	}
	_, err := c.Pull(ctx)
	return errors.Join(mediaErr, err)
}
