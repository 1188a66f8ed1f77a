package client

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"urcsync/syncproto"
)

// Keys of the state table.
const (
	keyDeviceID   = "device_id"
	keyHLC        = "hlc"
	keyToken      = "token"
	keyUser       = "user"
	keyCursor     = "cursor"      // final cursor of the last completed pull
	keyPullCursor = "pull_cursor" // cursor of an unfinished pull, to resume from
)

const schema = `
CREATE TABLE IF NOT EXISTS state (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS records (
	collection   TEXT    NOT NULL,
	id           TEXT    NOT NULL,
	fields       TEXT    NOT NULL DEFAULT '{}',
	stamps       TEXT    NOT NULL DEFAULT '{}',
	deleted      INTEGER NOT NULL DEFAULT 0,
	hlc          TEXT    NOT NULL DEFAULT '',
	base_fields  TEXT    NOT NULL DEFAULT '{}',
	base_deleted INTEGER NOT NULL DEFAULT 0,
	base_hlc     TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (collection, id)
) STRICT;

CREATE TABLE IF NOT EXISTS outbox (
	seq         INTEGER PRIMARY KEY AUTOINCREMENT,
	op_id       TEXT NOT NULL UNIQUE,
	collection  TEXT NOT NULL,
	id          TEXT NOT NULL,
	kind        TEXT NOT NULL CHECK (kind IN ('upsert', 'delete')),
	fields      TEXT,
	hlc         TEXT NOT NULL,
	base_cursor TEXT NOT NULL,
	created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS outbox_record ON outbox (collection, id, seq);

CREATE TABLE IF NOT EXISTS rejected (
	seq         INTEGER PRIMARY KEY AUTOINCREMENT,
	op_id       TEXT NOT NULL,
	collection  TEXT NOT NULL,
	id          TEXT NOT NULL,
	kind        TEXT NOT NULL,
	fields      TEXT,
	hlc         TEXT NOT NULL,
	base_cursor TEXT NOT NULL,
	created_at  TEXT NOT NULL,
	code        TEXT NOT NULL,
	message     TEXT NOT NULL,
	field       TEXT NOT NULL DEFAULT '',
	rejected_at TEXT NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS media_queue (
	seq          INTEGER PRIMARY KEY AUTOINCREMENT,
	media_id     TEXT    NOT NULL UNIQUE,
	op_id        TEXT    NOT NULL,
	encounter_id TEXT    NOT NULL,
	path         TEXT    NOT NULL,
	size         INTEGER NOT NULL,
	sha256       TEXT    NOT NULL,
	content_type TEXT    NOT NULL,
	upload_url   TEXT    NOT NULL DEFAULT '',
	state        TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'rejected')),
	code         TEXT    NOT NULL DEFAULT '',
	error        TEXT    NOT NULL DEFAULT '',
	created_at   TEXT    NOT NULL,
	rejected_at  TEXT    NOT NULL DEFAULT ''
) STRICT;

PRAGMA user_version = 2;
`

// openDB opens the SQLite file with durable settings and creates the
// schema. One connection serialises every access from this process;
// busy_timeout covers other processes opening the same file.
func openDB(path string) (*sql.DB, error) {
	if path == "" || strings.ContainsRune(path, '?') {
		return nil, fmt.Errorf("invalid database path %q", path)
	}
	dsn := path + "?_busy_timeout=5000&_journal_mode=WAL&_synchronous=FULL" +
		"&_txlock=immediate&_pragma=secure_delete(1)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetConnMaxIdleTime(0)
	db.SetConnMaxLifetime(0)
	var mode string
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
		db.Close()
		return nil, fmt.Errorf("read journal mode: %w", err)
	}
	if !strings.EqualFold(mode, "wal") {
		db.Close()
		return nil, fmt.Errorf("journal mode is %q, want wal", mode)
	}
	if _, err := db.Exec(schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("create schema: %w", err)
	}
	return db, nil
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// inTx runs fn in one write transaction, holding the local-state lock.
func (c *Client) inTx(fn func(tx *sql.Tx) error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	tx, err := c.db.BeginTx(context.Background(), nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func getState(q querier, key string) (string, error) {
	var v string
	err := q.QueryRowContext(context.Background(), `SELECT value FROM state WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read state %s: %w", key, err)
	}
	return v, nil
}

func setState(q querier, key, value string) error {
	_, err := q.ExecContext(context.Background(),
		`INSERT INTO state (key, value) VALUES (?, ?)
		 ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("write state %s: %w", key, err)
	}
	return nil
}

func deleteState(q querier, keys ...string) error {
	for _, k := range keys {
		if _, err := q.ExecContext(context.Background(), `DELETE FROM state WHERE key = ?`, k); err != nil {
			return fmt.Errorf("delete state %s: %w", k, err)
		}
	}
	return nil
}

// wipeAll erases everything but the device id and the clock, photos
// included, and checkpoints the WAL so the erased pages leave it too.
func (c *Client) wipeAll() error {
	err := c.inTx(func(tx *sql.Tx) error {
		for _, stmt := range []string{`DELETE FROM records`, `DELETE FROM outbox`, `DELETE FROM rejected`, `DELETE FROM media_queue`} {
			if _, err := tx.Exec(stmt); err != nil {
				return fmt.Errorf("wipe: %w", err)
			}
		}
		return deleteState(tx, keyToken, keyUser, keyCursor, keyPullCursor)
	})
	if err != nil {
		return err
	}
	if err := os.RemoveAll(c.mediaDir); err != nil {
		return fmt.Errorf("wipe: photos: %w", err)
	}
	if _, err := c.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return fmt.Errorf("wipe: checkpoint: %w", err)
	}
	return nil
}

// loadHLC reads the saved stamp (zero if none).
func loadHLC(q querier) (syncproto.HLC, error) {
	s, err := getState(q, keyHLC)
	if err != nil || s == "" {
		return syncproto.HLC{}, err
	}
	h, err := syncproto.ParseHLC(s)
	if err != nil {
		return syncproto.HLC{}, fmt.Errorf("saved HLC %q: %w", s, err)
	}
	return h, nil
}

// saveHLC stores h unless a higher stamp is already stored; fixed-width
// stamps of one node order as text.
func saveHLC(q querier, h syncproto.HLC) error {
	_, err := q.ExecContext(context.Background(),
		`INSERT INTO state (key, value) VALUES (?, ?)
		 ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE excluded.value > state.value`,
		keyHLC, h.String())
	if err != nil {
		return fmt.Errorf("save HLC: %w", err)
	}
	return nil
}
