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
// server order, in their wire form, inside one read snapshot: the page's
// end is found on the index alone first, and onHead (when not nil) is
// told the page's position before its records are read, so that a
// server can send it ahead of them; then one range scan of
// (team_id, seq), or of seq for admins, reads the records. The final
// cursor (has_more false) is the snapshot's highest position, so a
// phone's base_cursor says exactly what it had seen.
func (db *DB) Pull(ctx context.Context, p core.Principal, cursorText string, limit int, into []byte, onHead func(*syncproto.EncodedPull) error) (*syncproto.EncodedPull, error) {
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
	scope, args := `team_id = ? AND `, []any{p.TeamID}
	if p.IsAdmin() {
		scope, args = ``, nil
	}

	// The page ends at the limit-th position after the cursor when
	// another follows it, else at the snapshot's highest position.
	page := &syncproto.EncodedPull{}
	ends, err := tx.QueryContext(ctx, `SELECT seq FROM records WHERE `+scope+`seq > ? ORDER BY seq LIMIT 2 OFFSET ?`, append(args, after, limit-1)...)
	if err != nil {
		return nil, err
	}
	var end []int64
	for ends.Next() {
		var seq int64
		if err := ends.Scan(&seq); err != nil {
			ends.Close()
			return nil, err
		}
		end = append(end, seq)
	}
	ends.Close()
	if err := ends.Err(); err != nil {
		return nil, err
	}
	last := after
	if len(end) == 2 {
		page.HasMore, last = true, end[0]
	} else {
		var top sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT max(seq) FROM records`).Scan(&top); err != nil {
			return nil, err
		}
		last = max(last, top.Int64)
	}
	page.Cursor = db.cursors.encode(cursor{Seq: last, UserID: p.UserID, Epoch: p.TeamEpoch})
	// Read after the snapshot began: every stamp in it was observed before.
	page.ServerHLC = db.ServerHLC()
	if onHead != nil {
		if err := onHead(page); err != nil {
			return nil, err
		}
	}

	rows, err := tx.QueryContext(ctx, `SELECT `+wireRecord+` FROM records WHERE `+scope+`seq > ? AND seq <= ? ORDER BY seq`, append(args, after, last)...)
	if err != nil {
		return nil, err
	}
	b := append(into[:0], '[')
	for rows.Next() {
		var rec sql.RawBytes
		if err := rows.Scan(&rec); err != nil {
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
	return page, nil
}
