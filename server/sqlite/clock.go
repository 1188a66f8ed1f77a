package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"

	"urcsync/syncproto"
)

const (
	metaHLC       = "hlc"
	metaSeq       = "seq"
	metaCursorKey = "cursor_key"
)

// restore loads the server HLC, the sequence and the cursor key, creating
// the key on first start. The HLC never goes backwards across restarts:
// it continues from the highest stamp ever persisted or stored.
func (db *DB) restore(ctx context.Context) error {
	var last syncproto.HLC
	if s, err := db.metaGet(ctx, metaHLC); err != nil {
		return err
	} else if s != "" {
		if last, err = syncproto.ParseHLC(s); err != nil {
			return fmt.Errorf("stored hlc %q: %w", s, err)
		}
	}
	var maxHLC sql.NullString
	var maxSeq sql.NullInt64
	if err := db.write.QueryRowContext(ctx, `SELECT max(hlc), max(seq) FROM records`).Scan(&maxHLC, &maxSeq); err != nil {
		return err
	}
	if maxHLC.Valid && maxHLC.String > last.String() {
		if h, err := syncproto.ParseHLC(maxHLC.String); err == nil {
			last = h
		}
	}
	db.clock = syncproto.NewClock(syncproto.ServerNode, last, db.opt.Now)
	if last.IsZero() {
		db.clock.Now() // a fresh server still answers with a valid server_hlc
	}
	if s, err := db.metaGet(ctx, metaSeq); err != nil {
		return err
	} else if s != "" {
		if db.seq, err = strconv.ParseInt(s, 10, 64); err != nil {
			return fmt.Errorf("stored seq %q: %w", s, err)
		}
	}
	db.seq = max(db.seq, maxSeq.Int64)
	if err := db.loadMediaEncounters(ctx); err != nil {
		return err
	}
	key, err := db.metaGet(ctx, metaCursorKey)
	if err != nil {
		return err
	}
	if key == "" {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		key = hex.EncodeToString(b)
		if _, err := db.write.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)`, metaCursorKey, key); err != nil {
			return err
		}
	}
	raw, err := hex.DecodeString(key)
	if err != nil {
		return fmt.Errorf("stored cursor key: %w", err)
	}
	db.cursors = cursorCodec{key: raw}
	return nil
}

func (db *DB) metaGet(ctx context.Context, key string) (string, error) {
	var v string
	err := db.write.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// persistClock runs last in every group commit, so the saved HLC and
// sequence always cover what that commit wrote.
func (db *DB) persistClock(tx *wtx) error {
	const q = `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`
	if h := db.clock.Last(); !h.IsZero() {
		if _, err := tx.Exec(q, metaHLC, h.String()); err != nil {
			return err
		}
	}
	_, err := tx.Exec(q, metaSeq, strconv.FormatInt(db.seq, 10))
	return err
}

// nextSeq hands out the next server position (writer goroutine only).
func (db *DB) nextSeq() int64 {
	db.seq++
	return db.seq
}

// unusedSeq gives back pos, the last position handed out, when nothing
// was written at it.
func (db *DB) unusedSeq(pos int64) {
	if db.seq == pos {
		db.seq--
	}
}
