package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"urcsync/server/core"
	"urcsync/syncproto"
)

const conflictSelect = `SELECT c.id, c.team_id, c.collection, c.record_id, c.field, c.kind, c.status, c.current, c.other, c.created_at,
	coalesce(c.resolved_by, ''), coalesce(c.resolved_at, ''), coalesce(c.resolution, ''), coalesce(c.resolved_value, ''), coalesce(c.note, '')
	FROM conflicts c`

func scanConflict(s scanner) (core.Conflict, error) {
	var c core.Conflict
	var cur, other, value string
	err := s.Scan(&c.ID, &c.TeamID, &c.Collection, &c.RecordID, &c.Field, &c.Kind, &c.Status, &cur, &other, &c.CreatedAt,
		&c.ResolvedBy, &c.ResolvedAt, &c.Resolution, &value, &c.Note)
	if err != nil {
		return c, err
	}
	if value != "" {
		c.Value = json.RawMessage(value)
	}
	if err := json.Unmarshal([]byte(cur), &c.Current); err != nil {
		return c, err
	}
	return c, json.Unmarshal([]byte(other), &c.Other)
}

// ListConflicts pages through the conflicts of the caller's scope, newest
// first (conflict ids are time-ordered UUIDs; the cursor is the last id).
func (db *DB) ListConflicts(ctx context.Context, p core.Principal, f core.ConflictFilter) ([]core.Conflict, string, error) {
	if err := requireOffice(p); err != nil {
		return nil, "", err
	}
	switch f.Status {
	case "", core.ConflictOpen, core.ConflictResolved, core.ConflictSuperseded:
	default:
		return nil, "", core.Errorf(syncproto.CodeInvalidRequest, "status must be open, resolved or superseded")
	}
	if f.Collection != "" && !db.opt.Schemas.Has(f.Collection) {
		return nil, "", core.Errorf(syncproto.CodeInvalidRequest, "unknown collection")
	}
	before := "~"
	if f.Cursor != "" {
		id, ok := syncproto.CanonicalUUID(f.Cursor)
		if !ok {
			return nil, "", core.Errorf(syncproto.CodeInvalidCursor, "cursor was not issued by this server")
		}
		before = id
	}
	limit := pageLimit(f.Limit, 50)
	q := conflictSelect + ` WHERE c.id < ?`
	args := []any{before}
	if !p.IsAdmin() {
		q += ` AND c.team_id = ?`
		args = append(args, p.TeamID)
	}
	if f.Status != "" {
		q += ` AND c.status = ?`
		args = append(args, f.Status)
	}
	if f.Collection != "" {
		q += ` AND c.collection = ?`
		args = append(args, f.Collection)
	}
	q += ` ORDER BY c.id DESC LIMIT ?`
	args = append(args, limit+1)
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, "", err
	}
	items := []core.Conflict{}
	next := ""
	for rows.Next() {
		if len(items) == limit {
			next = items[len(items)-1].ID
			break
		}
		c, err := scanConflict(rows)
		if err != nil {
			rows.Close()
			return nil, "", err
		}
		items = append(items, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	for i := range items {
		if err := db.decorate(ctx, db.read, &items[i]); err != nil {
			return nil, "", err
		}
	}
	return items, next, nil
}

// decorate adds the record as it is now and the writers' usernames.
func (db *DB) decorate(ctx context.Context, q querier, c *core.Conflict) error {
	rec, err := loadRecord(q, c.Collection, c.RecordID)
	if err != nil {
		return err
	}
	c.Record = syncproto.RecordChange{Collection: c.Collection, ID: c.RecordID, Deleted: rec.state.Deleted, HLC: rec.state.HighestHLC()}
	if rec.exists && !rec.state.Deleted {
		c.Record.Fields = json.RawMessage(renderDoc(&rec))
	}
	for _, side := range []*core.ConflictSide{&c.Current, &c.Other} {
		side.User = db.username(ctx, side.UserID)
	}
	if c.ResolvedBy != "" {
		c.ResolvedBy = db.username(ctx, c.ResolvedBy)
	}
	return nil
}

func (db *DB) username(ctx context.Context, userID string) string {
	if userID == "" {
		return ""
	}
	var name string
	if err := db.read.QueryRowContext(ctx, `SELECT username FROM users WHERE id = ?`, userID).Scan(&name); err != nil {
		return ""
	}
	return name
}

// GetConflict returns a conflict of the caller's scope.
func (db *DB) GetConflict(ctx context.Context, p core.Principal, id string) (core.Conflict, error) {
	if err := requireOffice(p); err != nil {
		return core.Conflict{}, err
	}
	c, err := db.conflict(ctx, p, id)
	if err != nil {
		return c, err
	}
	return c, db.decorate(ctx, db.read, &c)
}

// conflict loads a conflict and checks the caller's scope (auditing an
// attempt outside it). It commits an audit entry, so it is never called
// from inside a write job.
func (db *DB) conflict(ctx context.Context, p core.Principal, id string) (core.Conflict, error) {
	c, err := loadConflict(db.read, id)
	if err != nil {
		return c, err
	}
	if !p.InScope(c.TeamID) {
		return core.Conflict{}, db.outOfScope(ctx, p, "conflict/"+c.ID)
	}
	return c, nil
}

// loadConflict reads a conflict by id.
func loadConflict(q querier, id string) (core.Conflict, error) {
	id, ok := syncproto.CanonicalUUID(id)
	if !ok {
		return core.Conflict{}, core.Errorf(syncproto.CodeNotFound, "no such conflict")
	}
	c, err := scanConflict(q.QueryRow(conflictSelect+` WHERE c.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, core.Errorf(syncproto.CodeNotFound, "no such conflict")
	}
	return c, err
}
