package sqlite

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"

	"urcsync/server/core"
	"urcsync/syncproto"
)

var mediaFlags = map[string]bool{"location_mismatch": true, "time_mismatch": true, "no_exif": true}

const mediaSelect = `SELECT r.id, r.team_id, r.created_at, r.created_by, coalesce(u.username, ''), r.doc
	FROM records r LEFT JOIN users u ON u.id = r.created_by
	WHERE r.collection = 'media' AND r.deleted = 0 AND json_extract(r.doc, '$.content_status') = 'stored'`

func scanMediaItem(s scanner) (core.MediaItem, error) {
	var m core.MediaItem
	var doc string
	if err := s.Scan(&m.ID, &m.TeamID, &m.CreatedAt, &m.CreatedBy, &m.Username, &doc); err != nil {
		return m, err
	}
	m.Record = json.RawMessage(doc)
	var fields struct {
		EncounterID  string   `json:"encounter_id"`
		ReviewStatus string   `json:"review_status"`
		Flags        []string `json:"flags"`
	}
	if err := json.Unmarshal(m.Record, &fields); err != nil {
		return m, err
	}
	m.EncounterID, m.ReviewStatus, m.Flags = fields.EncounterID, fields.ReviewStatus, fields.Flags
	if m.Flags == nil {
		m.Flags = []string{}
	}
	return m, nil
}

// mediaWhere is the condition and arguments, after mediaSelect, that keep
// the photos of the caller's scope that f selects (its Page aside).
func mediaWhere(p core.Principal, f core.MediaFilter) (string, []any, error) {
	if err := requireOffice(p); err != nil {
		return "", nil, err
	}
	switch f.ReviewStatus {
	case "", core.ReviewPending, core.ReviewApproved, core.ReviewRejected, core.ReviewNeedsRetake:
	default:
		return "", nil, core.Errorf(syncproto.CodeInvalidRequest, "review_status must be pending, approved, rejected or needs_retake")
	}
	if f.Flag != "" && !mediaFlags[f.Flag] {
		return "", nil, core.Errorf(syncproto.CodeInvalidRequest, "flag must be location_mismatch, time_mismatch or no_exif")
	}
	var q strings.Builder
	var args []any
	if !p.IsAdmin() {
		q.WriteString(` AND r.team_id = ?`)
		args = append(args, p.TeamID)
	}
	if f.ReviewStatus != "" {
		q.WriteString(` AND json_extract(r.doc, '$.review_status') = ?`)
		args = append(args, f.ReviewStatus)
	}
	if f.Flag != "" {
		q.WriteString(` AND EXISTS (SELECT 1 FROM json_each(r.doc, '$.flags') j WHERE j.value = ?)`)
		args = append(args, f.Flag)
	}
	if f.EncounterID != "" {
		q.WriteString(` AND r.id IN (SELECT media_id FROM media_index WHERE encounter_id = ?)`)
		args = append(args, strings.ToLower(f.EncounterID))
	}
	return q.String(), args, nil
}

// The review order: newest first, by (created_at, id).
const (
	olderThan = ` AND (r.created_at < ? OR (r.created_at = ? AND r.id < ?))`
	newerThan = ` AND (r.created_at > ? OR (r.created_at = ? AND r.id > ?))`
	newest    = ` ORDER BY r.created_at DESC, r.id DESC`
	oldest    = ` ORDER BY r.created_at ASC, r.id ASC`
)

// ListMedia pages through the stored photos of the caller's scope for
// review, newest first, filtered by review status and flag. The cursor
// carries the last (created_at, id) seen.
func (db *DB) ListMedia(ctx context.Context, p core.Principal, f core.MediaFilter) ([]core.MediaItem, string, error) {
	where, args, err := mediaWhere(p, f)
	if err != nil {
		return nil, "", err
	}
	q := mediaSelect + where
	if f.Cursor != "" {
		raw, err := base64.RawURLEncoding.DecodeString(f.Cursor)
		at, id, ok := strings.Cut(string(raw), "|")
		if err != nil || !ok {
			return nil, "", core.Errorf(syncproto.CodeInvalidCursor, "cursor was not issued by this server")
		}
		q += olderThan
		args = append(args, at, at, id)
	}
	limit := pageLimit(f.Limit, 60)
	q += newest + ` LIMIT ?`
	args = append(args, limit+1)
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	items := []core.MediaItem{}
	next := ""
	for rows.Next() {
		if len(items) == limit {
			last := items[len(items)-1]
			next = base64.RawURLEncoding.EncodeToString([]byte(last.CreatedAt + "|" + last.ID))
			break
		}
		m, err := scanMediaItem(rows)
		if err != nil {
			return nil, "", err
		}
		items = append(items, m)
	}
	return items, next, rows.Err()
}

// LocateMedia finds a photo in the list f selects and its neighbours
// there, in three indexed lookups however long the list is.
func (db *DB) LocateMedia(ctx context.Context, p core.Principal, id string, f core.MediaFilter) (core.MediaPlace, error) {
	var place core.MediaPlace
	where, args, err := mediaWhere(p, f)
	if err != nil {
		return place, err
	}
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return place, err
	}
	defer tx.Rollback()
	one := func(q string, extra ...any) (core.MediaItem, bool, error) {
		m, err := scanMediaItem(tx.QueryRowContext(ctx, mediaSelect+where+q, append(append([]any{}, args...), extra...)...))
		if errors.Is(err, sql.ErrNoRows) {
			return m, false, nil
		}
		return m, err == nil, err
	}
	if place.Item, place.Found, err = one(` AND r.id = ?`, strings.ToLower(id)); err != nil || !place.Found {
		return place, err
	}
	at, key := place.Item.CreatedAt, place.Item.ID
	prev, ok, err := one(newerThan+oldest+` LIMIT 1`, at, at, key)
	if err != nil {
		return place, err
	}
	if ok {
		place.Prev = prev.ID
	}
	next, ok, err := one(olderThan+newest+` LIMIT 1`, at, at, key)
	if err != nil {
		return place, err
	}
	if ok {
		place.Next = next.ID
	}
	return place, nil
}

// ReviewMedia records a review decision as a server change of the photo's
// review_status and review_note, so the officer's phone learns it.
func (db *DB) ReviewMedia(ctx context.Context, p core.Principal, id string, r core.Review) (core.MediaItem, error) {
	if err := requireOffice(p); err != nil {
		return core.MediaItem{}, err
	}
	switch r.Decision {
	case core.ReviewApproved, core.ReviewRejected, core.ReviewNeedsRetake:
	default:
		return core.MediaItem{}, core.Errorf(syncproto.CodeInvalidRequest, "decision must be approved, rejected or needs_retake")
	}
	if len(r.Note) > 1000 {
		return core.MediaItem{}, core.Errorf(syncproto.CodeInvalidRequest, "the note is over 1000 characters")
	}
	info, err := db.MediaInfo(ctx, p, id)
	if err != nil {
		return core.MediaItem{}, err
	}
	if info.Deleted || info.ContentStatus != core.ContentStored {
		return core.MediaItem{}, core.Errorf(syncproto.CodeNotFound, "no such photo")
	}
	err = db.w.do(ctx, func(tx *wtx) error {
		var note any
		if r.Note != "" {
			note = r.Note
		}
		if _, err := db.serverWrite(tx, mediaCollection, info.ID, syncproto.KindUpsert, map[string]json.RawMessage{
			"review_status": jsonValue(r.Decision), "review_note": jsonValue(note)}); err != nil {
			return err
		}
		return db.appendAudit(tx, entryFor(p, "media_reviewed", "media/"+info.ID, info.TeamID, map[string]any{"decision": r.Decision, "note": r.Note}))
	})
	if err != nil {
		return core.MediaItem{}, err
	}
	m, err := scanMediaItem(db.read.QueryRowContext(ctx, mediaSelect+` AND r.id = ?`, info.ID))
	if errors.Is(err, sql.ErrNoRows) {
		return m, core.Errorf(syncproto.CodeNotFound, "no such photo")
	}
	return m, err
}
