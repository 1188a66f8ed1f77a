package client

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"urcsync/syncproto"
)

// RejectedChange is a local change the server refused, kept to be shown to
// the officer.
type RejectedChange struct {
	// Change is the change exactly as it was pushed.
	Change syncproto.Change
	// Code is the stable error code (e.g. invalid_field).
	Code string
	// Message is the server's human-readable reason.
	Message string
	// Field names the offending field, when the server said.
	Field string
	// CreatedAt is when the officer made the change (phone clock).
	CreatedAt time.Time
	// RejectedAt is when the rejection was received (phone clock).
	RejectedAt time.Time
}

// moveToRejected takes a change out of the outbox, keeps it with its
// reason and restores the server-known values it had overwritten.
func moveToRejected(q querier, p pendingChange, e syncproto.ChangeError, now time.Time) error {
	var fields any
	if p.Fields != nil {
		b, err := json.Marshal(p.Fields)
		if err != nil {
			return fmt.Errorf("encode fields: %w", err)
		}
		fields = string(b)
	}
	_, err := q.ExecContext(context.Background(),
		`INSERT INTO rejected (op_id, collection, id, kind, fields, hlc, base_cursor, created_at,
		                       code, message, field, rejected_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.OpID, p.Collection, p.ID, p.Kind, fields, p.HLC, p.BaseCursor, p.createdAt,
		e.Code, e.Message, e.Field, formatTime(now))
	if err != nil {
		return fmt.Errorf("keep rejected %s: %w", p.OpID, err)
	}
	if err := deletePending(q, p.OpID); err != nil {
		return err
	}
	return revertRejected(q, p.Change)
}

// Rejected returns the changes the server rejected, oldest first.
func (c *Client) Rejected() ([]RejectedChange, error) {
	rows, err := c.db.Query(`SELECT op_id, collection, id, kind, fields, hlc, base_cursor, created_at,
	                                code, message, field, rejected_at
	                         FROM rejected ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("client: rejected: %w", err)
	}
	defer rows.Close()
	var out []RejectedChange
	for rows.Next() {
		var r RejectedChange
		var fields sql.NullString
		var created, rejected string
		ch := &r.Change
		if err := rows.Scan(&ch.OpID, &ch.Collection, &ch.ID, &ch.Kind, &fields, &ch.HLC, &ch.BaseCursor,
			&created, &r.Code, &r.Message, &r.Field, &rejected); err != nil {
			return nil, fmt.Errorf("client: rejected: %w", err)
		}
		if fields.Valid {
			if err := json.Unmarshal([]byte(fields.String), &ch.Fields); err != nil {
				return nil, fmt.Errorf("client: rejected %s: %w", ch.OpID, err)
			}
		}
		r.CreatedAt, _ = time.Parse(time.RFC3339Nano, created)
		r.RejectedAt, _ = time.Parse(time.RFC3339Nano, rejected)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("client: rejected: %w", err)
	}
	return out, nil
}
