package client

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"time"
)

// States of a queued photo.
const (
	photoPending  = "pending"
	photoRejected = "rejected"
)

// queuedPhoto is one row of media_queue.
type queuedPhoto struct {
	mediaID     string
	opID        string // the change that created the media record
	encounterID string
	path        string
	size        int64
	sha256      string
	contentType string
	uploadURL   string
}

// RejectedPhoto is a photo the server refused. Its copy is kept on the
// phone and it is not offered again.
type RejectedPhoto struct {
	// MediaID is the id of the photo's media record.
	MediaID string
	// EncounterID is the encounter the photo belongs to.
	EncounterID string
	// Path is the phone's copy of the photo.
	Path string
	// Size, SHA256 and ContentType describe the bytes.
	Size        int64
	SHA256      string
	ContentType string
	// Code is the server's stable error code (e.g. image_too_large).
	Code string
	// Message is the server's human-readable reason.
	Message string
	// RejectedAt is when the refusal was received (phone clock).
	RejectedAt time.Time
}

func insertQueued(q querier, mediaID, opID, encounterID string, p localPhoto, now time.Time) error {
	_, err := q.ExecContext(context.Background(),
		`INSERT INTO media_queue (media_id, op_id, encounter_id, path, size, sha256, content_type, created_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		mediaID, opID, encounterID, p.rel, p.size, p.sha256, p.contentType, formatTime(now))
	if err != nil {
		return fmt.Errorf("queue photo %s: %w", mediaID, err)
	}
	return nil
}

// loadQueued returns the photos waiting for upload, oldest first.
func loadQueued(q querier) ([]queuedPhoto, error) {
	rows, err := q.QueryContext(context.Background(),
		`SELECT media_id, op_id, encounter_id, path, size, sha256, content_type, upload_url
		 FROM media_queue WHERE state = ? ORDER BY seq`, photoPending)
	if err != nil {
		return nil, fmt.Errorf("read photo queue: %w", err)
	}
	defer rows.Close()
	var out []queuedPhoto
	for rows.Next() {
		var p queuedPhoto
		if err := rows.Scan(&p.mediaID, &p.opID, &p.encounterID, &p.path, &p.size, &p.sha256,
			&p.contentType, &p.uploadURL); err != nil {
			return nil, fmt.Errorf("read photo queue: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read photo queue: %w", err)
	}
	return out, nil
}

// photoReadiness tells whether the server has the photo's media record
// (its last known server state carries the record, not deleted), whether
// the server deleted it (the bytes can never be uploaded then), and the
// rejection of the change that created it, if the server refused it.
func photoReadiness(q querier, p queuedPhoto) (ready, gone bool, refused *RejectedChange, err error) {
	var code, message string
	err = q.QueryRowContext(context.Background(),
		`SELECT code, message FROM rejected WHERE op_id = ? ORDER BY seq DESC LIMIT 1`, p.opID).Scan(&code, &message)
	switch {
	case err == nil:
		return false, false, &RejectedChange{Code: code, Message: message}, nil
	case !errors.Is(err, sql.ErrNoRows):
		return false, false, nil, fmt.Errorf("read rejected: %w", err)
	}
	var known, deleted bool
	err = q.QueryRowContext(context.Background(),
		`SELECT json_extract(base_fields, '$.sha256') IS NOT NULL, base_deleted
		 FROM records WHERE collection = ? AND id = ?`, mediaCollection, p.mediaID).Scan(&known, &deleted)
	if errors.Is(err, sql.ErrNoRows) {
		return false, false, nil, nil
	}
	if err != nil {
		return false, false, nil, fmt.Errorf("read record %s/%s: %w", mediaCollection, p.mediaID, err)
	}
	return known && !deleted, deleted, nil, nil
}

func (c *Client) setUploadURL(mediaID, url string) error {
	return c.updateQueued(`UPDATE media_queue SET upload_url = ? WHERE media_id = ?`, url, mediaID)
}

func (c *Client) setPhotoError(mediaID, msg string) error {
	return c.updateQueued(`UPDATE media_queue SET error = ? WHERE media_id = ?`, msg, mediaID)
}

func (c *Client) markPhotoRejected(mediaID, code, msg string) error {
	return c.updateQueued(`UPDATE media_queue SET state = ?, code = ?, error = ?, upload_url = '', rejected_at = ?
		WHERE media_id = ?`, photoRejected, code, msg, formatTime(c.now()), mediaID)
}

func (c *Client) updateQueued(query string, args ...any) error {
	return c.inTx(func(tx *sql.Tx) error {
		if _, err := tx.Exec(query, args...); err != nil {
			return fmt.Errorf("update photo queue: %w", err)
		}
		return nil
	})
}

// finishPhoto takes an uploaded photo out of the queue and deletes the
// phone's copy.
func (c *Client) finishPhoto(p queuedPhoto) error {
	err := c.inTx(func(tx *sql.Tx) error {
		if _, err := tx.Exec(`DELETE FROM media_queue WHERE media_id = ?`, p.mediaID); err != nil {
			return fmt.Errorf("update photo queue: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := os.Remove(c.photoPath(p.path)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove uploaded photo: %w", err)
	}
	return nil
}

// PendingPhotos returns the number of photos waiting for upload.
func (c *Client) PendingPhotos() (int, error) {
	var n int
	if err := c.db.QueryRow(`SELECT count(*) FROM media_queue WHERE state = ?`, photoPending).Scan(&n); err != nil {
		return 0, fmt.Errorf("client: pending photos: %w", err)
	}
	return n, nil
}

// RejectedPhotos returns the photos the server refused, oldest first.
func (c *Client) RejectedPhotos() ([]RejectedPhoto, error) {
	rows, err := c.db.Query(`SELECT media_id, encounter_id, path, size, sha256, content_type, code, error, rejected_at
		FROM media_queue WHERE state = ? ORDER BY seq`, photoRejected)
	if err != nil {
		return nil, fmt.Errorf("client: rejected photos: %w", err)
	}
	defer rows.Close()
	var out []RejectedPhoto
	for rows.Next() {
		var r RejectedPhoto
		var at string
		if err := rows.Scan(&r.MediaID, &r.EncounterID, &r.Path, &r.Size, &r.SHA256, &r.ContentType,
			&r.Code, &r.Message, &at); err != nil {
			return nil, fmt.Errorf("client: rejected photos: %w", err)
		}
		r.Path = c.photoPath(r.Path)
		r.RejectedAt, _ = time.Parse(time.RFC3339Nano, at)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("client: rejected photos: %w", err)
	}
	return out, nil
}
