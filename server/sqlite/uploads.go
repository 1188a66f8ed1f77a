package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"urcsync/server/core"
	"urcsync/syncproto"
)

// CreateUpload stores a new resumable upload, or returns the one under
// way for the same media record.
func (db *DB) CreateUpload(ctx context.Context, u core.Upload) (core.Upload, bool, error) {
	var got core.Upload
	created := false
	err := db.w.do(ctx, func(tx *wtx) error {
		existing, err := scanUpload(tx.QueryRow(uploadSelect+` WHERE media_id = ?`, u.MediaID))
		if err == nil {
			got = existing
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		_, err = tx.Exec(`INSERT INTO uploads (id, media_id, device_id, length, sha256, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			u.ID, u.MediaID, u.DeviceID, u.Length, u.SHA256, formatTime(u.CreatedAt), formatTime(u.ExpiresAt))
		got, created = u, true
		return err
	})
	return got, created, err
}

const uploadSelect = `SELECT id, media_id, device_id, length, sha256, created_at, expires_at FROM uploads`

func scanUpload(s scanner) (core.Upload, error) {
	var u core.Upload
	var created, expires string
	err := s.Scan(&u.ID, &u.MediaID, &u.DeviceID, &u.Length, &u.SHA256, &created, &expires)
	u.CreatedAt, u.ExpiresAt = parseTime(created), parseTime(expires)
	return u, err
}

// GetUpload returns an upload by id.
func (db *DB) GetUpload(ctx context.Context, id string) (core.Upload, error) {
	u, err := scanUpload(db.read.QueryRowContext(ctx, uploadSelect+` WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return u, core.Errorf(syncproto.CodeNotFound, "no such upload")
	}
	return u, err
}

// DeleteUpload forgets an upload.
func (db *DB) DeleteUpload(ctx context.Context, id string) error {
	return db.w.do(ctx, func(tx *wtx) error {
		_, err := tx.Exec(`DELETE FROM uploads WHERE id = ?`, id)
		return err
	})
}

// ExpiredUploads lists uploads that expired before t.
func (db *DB) ExpiredUploads(ctx context.Context, t time.Time) ([]core.Upload, error) {
	rows, err := db.read.QueryContext(ctx, uploadSelect+` WHERE expires_at < ?`, formatTime(t))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []core.Upload
	for rows.Next() {
		u, err := scanUpload(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// ErasableMedia lists media records deleted before t whose stored bytes
// are still kept.
func (db *DB) ErasableMedia(ctx context.Context, t time.Time) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT media_id FROM media_index WHERE deleted = 1 AND stored = 1 AND deleted_at < ?`, formatTime(t))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// MarkErased records, as a server change, that a deleted media record's
// bytes are gone: its content is awaited again, should it be restored.
func (db *DB) MarkErased(ctx context.Context, id string) error {
	return db.w.do(ctx, func(tx *wtx) error {
		_, err := db.serverWrite(tx, mediaCollection, id, syncproto.KindUpsert,
			map[string]json.RawMessage{"content_status": jsonValue(core.ContentAwaiting)})
		return err
	})
}

// OwnsObject reports whether a committed media record with stored
// content owns the bytes of media id.
func (db *DB) OwnsObject(ctx context.Context, id string) (bool, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM media_index WHERE media_id = ? AND stored = 1`, id).Scan(&n)
	return n > 0, err
}
