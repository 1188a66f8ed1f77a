// Package sqlite stores everything the server knows in one SQLite file
// (modernc.org/sqlite, no cgo): records and their merge state, applied
// ops, conflicts, rejected changes, users, devices and tokens. It
// implements the core service interfaces. Writes go through one
// connection that commits concurrent callers' work together (group
// commit); reads use a pool.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"urcsync/server/admit"
	"urcsync/server/auth"
	"urcsync/server/core"
	"urcsync/server/schema"
	"urcsync/syncproto"
)

// Options configures a DB. Zero values take the defaults.
type Options struct {
	// Schemas validates record fields (required).
	Schemas *schema.Registry
	// Hasher hashes passwords (bcrypt default cost when nil).
	Hasher *auth.Hasher
	// Now is the server's wall clock (time.Now when nil).
	Now func() time.Time
	// SkewWindow is how far ahead of the wall clock a stamp may be before
	// it is re-stamped (5 minutes).
	SkewWindow time.Duration
	// TokenTTL is how long an unused token lives (30 days).
	TokenTTL time.Duration
	// MaxBatch caps the jobs in one group commit (256).
	MaxBatch int
	// OnCommit observes every group commit.
	OnCommit BatchObserver
	// MediaFlags computes a photo's EXIF flags (none when nil).
	MediaFlags func(core.MediaFacts) []string
	// Gate admits the judging of pushed changes, the CPU-heavy part of a
	// push before the writer (admit.ForCPUs when nil). Share it with the
	// other request work that competes with the writer for the CPUs.
	Gate *admit.Gate
	// Logger receives operational messages (slog.Default when nil).
	Logger *slog.Logger
}

// DB is the server's store.
type DB struct {
	read    *sql.DB
	write   *sql.DB
	w       *writer
	opt     Options
	clock   *syncproto.Clock
	cursors cursorCodec
	// seq is the last server position handed out; only the writer
	// goroutine touches it.
	seq int64
	// noFresh turns off working out creates before the writer (tests
	// compare both ways).
	noFresh bool
	// mediaEncounters holds (a superset of) the encounters some photo
	// points at, so an encounter's change skips the photo lookup when it
	// has none; only the writer goroutine touches it.
	mediaEncounters map[string]bool
	closeOnce       sync.Once
	closeErr        error
}

var (
	_ core.Sync     = (*DB)(nil)
	_ core.Accounts = (*DB)(nil)
	_ core.Office   = (*DB)(nil)
	_ core.Checker  = (*DB)(nil)

	_ core.MediaRecords = (*DB)(nil)
	_ core.Desk         = (*DB)(nil)
	_ core.Sessions     = (*DB)(nil)
)

// Open opens (creating if needed) the database file at path, applies
// migrations and restores the server HLC and sequence.
func Open(ctx context.Context, path string, opt Options) (*DB, error) {
	if opt.Schemas == nil {
		return nil, fmt.Errorf("sqlite.Open: Options.Schemas is required")
	}
	if opt.Gate == nil {
		opt.Gate = admit.ForCPUs()
	}
	if opt.Hasher == nil {
		opt.Hasher = auth.NewHasher(0)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.SkewWindow == 0 {
		opt.SkewWindow = 5 * time.Minute
	}
	if opt.TokenTTL == 0 {
		opt.TokenTTL = 30 * 24 * time.Hour
	}
	if opt.MaxBatch == 0 {
		opt.MaxBatch = 256
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	write, err := sql.Open("sqlite", dsn(abs, false))
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	if err := migrate(ctx, write); err != nil {
		write.Close()
		return nil, fmt.Errorf("migrate %s: %w", abs, err)
	}
	read, err := sql.Open("sqlite", dsn(abs, true))
	if err != nil {
		write.Close()
		return nil, err
	}
	n := max(4, 2*runtime.GOMAXPROCS(0))
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	db := &DB{read: read, write: write, opt: opt}
	if err := db.restore(ctx); err != nil {
		db.read.Close()
		db.write.Close()
		return nil, err
	}
	db.w = newWriter(write, opt.MaxBatch, db.persistClock, opt.OnCommit)
	return db, nil
}

// dsn builds the connection string: busy_timeout first, then WAL, foreign
// keys and synchronous=FULL, so that a committed transaction is on disk
// before anyone is told it is.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(ON)")
	q.Add("_pragma", "synchronous(FULL)")
	if readOnly {
		q.Add("_pragma", "query_only(ON)")
		q.Add("_pragma", "cache_size(-16384)")
	} else {
		q.Set("_txlock", "immediate")
		// A group commit writes megabytes; a page cache that holds them
		// keeps SQLite from spilling pages to the WAL mid-transaction.
		q.Add("_pragma", "cache_size(-65536)")
	}
	return "file:" + path + "?" + q.Encode()
}

// Close finishes queued writes and closes both pools. It may be called
// more than once.
func (db *DB) Close() error {
	db.closeOnce.Do(func() {
		db.w.close()
		err1 := db.read.Close()
		if _, err := db.write.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			db.opt.Logger.Warn("checkpoint on close", "err", err)
		}
		db.closeErr = errors.Join(err1, db.write.Close())
	})
	return db.closeErr
}

// Ready reports whether the database answers.
func (db *DB) Ready(ctx context.Context) error {
	var one int
	return db.read.QueryRowContext(ctx, `SELECT 1`).Scan(&one)
}

// now returns the wall clock in UTC.
func (db *DB) now() time.Time { return db.opt.Now().UTC() }

// ServerHLC returns the server clock's latest stamp.
func (db *DB) ServerHLC() string { return db.clock.Last().String() }

// formatTime renders t as the protocol emits times: UTC with milliseconds.
func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}
