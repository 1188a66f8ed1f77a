package sqlite

import (
	"context"
	"database/sql"

	"urcsync/server/core"
	"urcsync/syncproto"
)

// Pull limits (§4).
const (
	DefaultPullLimit = 500
	MaxPullLimit     = 1000
)

// wireRecord is the SQL that writes a record row as encoding/json writes
// its syncproto.RecordChange, so that a pull converts one text column per
// record instead of five. Collection names, ids and stamps are stored only
// after validation and need no escaping; doc is stored JSON.
const wireRecord = `'{"collection":"' || collection || '","id":"' || id || '","deleted":' ||
	CASE WHEN deleted THEN 'true' ELSE 'false,"fields":' || doc END || ',"hlc":"' || hlc || '"}'`

// Pull returns the records of the caller's scope changed after cursor, in
// server order, in their wire form: one indexed range scan on
// (team_id, seq), or on seq for admins, inside one read snapshot. The
// final cursor (has_more false) is the snapshot's highest position, so a
// phone's base_cursor says exactly what it had seen.
func (db *DB) Pull(ctx context.Context, p core.Principal, cursorText string, limit int, into []byte) (*syncproto.EncodedPull, error) {
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
		rows, err = tx.QueryContext(ctx, `SELECT seq, `+wireRecord+` FROM records WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit+1)
	} else {
		rows, err = tx.QueryContext(ctx, `SELECT seq, `+wireRecord+` FROM records WHERE team_id = ? AND seq > ? ORDER BY seq LIMIT ?`, p.TeamID, after, limit+1)
	}
	if err != nil {
		return nil, err
	}
	page := &syncproto.EncodedPull{}
	b := append(into[:0], '[')
	last := after
	for rows.Next() {
		if page.Count == limit {
			page.HasMore = true
			break
		}
		var rec sql.RawBytes
		if err := rows.Scan(&last, &rec); err != nil {
			rows.Close()
			return nil, err
		}
		if page.Count > 0 {
			b = append(b, ',')
		}
		b = append(b, rec...)
		page.Count++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	page.Changes = append(b, ']')
	if !page.HasMore {
		var top sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT max(seq) FROM records`).Scan(&top); err != nil {
			return nil, err
		}
		last = max(last, top.Int64)
	}
	page.Cursor = db.cursors.encode(cursor{Seq: last, UserID: p.UserID, Epoch: p.TeamEpoch})
	// Read after the snapshot: every stamp in it was observed before.
	page.ServerHLC = db.ServerHLC()
	return page, nil
}
