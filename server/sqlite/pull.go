package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"

	"urcsync/server/core"
	"urcsync/syncproto"
)

// Pull limits (§4).
const (
	DefaultPullLimit = 500
	MaxPullLimit     = 1000
)

// Pull returns the records of the caller's scope changed after cursor, in
// server order: one indexed range scan on (team_id, seq), or on seq for
// admins, inside one read snapshot. The final cursor (has_more false) is
// the snapshot's highest position, so a phone's base_cursor says exactly
// what it had seen.
func (db *DB) Pull(ctx context.Context, p core.Principal, cursorText string, limit int) (*syncproto.PullResponse, error) {
	var after int64
	if cursorText != "" {
		cur, err := db.cursors.decode(cursorText)
		if err != nil {
			return nil, core.Errorf(syncproto.CodeInvalidCursor, "cursor was not issued by this server")
		}
		if cur.UserID != p.UserID || cur.Epoch != p.TeamEpoch {
			return nil, core.Errorf(syncproto.CodeCursorExpired, "cursor predates a change of your scope: discard the replica and pull from the beginning")
		}
		after = cur.Seq
	}
	if limit <= 0 {
		limit = DefaultPullLimit
	}
	limit = min(limit, MaxPullLimit)
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var rows *sql.Rows
	if p.IsAdmin() {
		rows, err = tx.QueryContext(ctx, `SELECT seq, collection, id, deleted, hlc, doc FROM records WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit+1)
	} else {
		rows, err = tx.QueryContext(ctx, `SELECT seq, collection, id, deleted, hlc, doc FROM records WHERE team_id = ? AND seq > ? ORDER BY seq LIMIT ?`, p.TeamID, after, limit+1)
	}
	if err != nil {
		return nil, err
	}
	resp := &syncproto.PullResponse{Changes: make([]syncproto.RecordChange, 0, min(limit, 64))}
	last := after
	for rows.Next() {
		if len(resp.Changes) == limit {
			resp.HasMore = true
			break
		}
		var rc syncproto.RecordChange
		var doc string
		if err := rows.Scan(&last, &rc.Collection, &rc.ID, &rc.Deleted, &rc.HLC, &doc); err != nil {
			rows.Close()
			return nil, err
		}
		if !rc.Deleted {
			rc.Fields = json.RawMessage(doc)
		}
		resp.Changes = append(resp.Changes, rc)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if !resp.HasMore {
		var top sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT max(seq) FROM records`).Scan(&top); err != nil {
			return nil, err
		}
		last = max(last, top.Int64)
	}
	resp.Cursor = db.cursors.encode(cursor{Seq: last, UserID: p.UserID, Epoch: p.TeamEpoch})
	// Read after the snapshot: every stamp in it was observed before.
	resp.ServerHLC = db.ServerHLC()
	return resp, nil
}
