package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"urcsync/server/core"
	"urcsync/syncproto"
)

// auditEntry is one line of the audit log before it is chained.
type auditEntry struct {
	At       string
	UserID   string
	Username string
	DeviceID string
	Address  string
	Action   string
	Target   string
	TeamID   string
	Details  map[string]any
}

// entryFor fills who and from where from the caller.
func entryFor(p core.Principal, action, target, team string, details map[string]any) auditEntry {
	return auditEntry{UserID: p.UserID, Username: p.Username, DeviceID: p.DeviceID, Address: p.Addr,
		Action: action, Target: target, TeamID: team, Details: details}
}

// chainHash is the hash of an entry chained to the previous hash.
func chainHash(prev string, seq int64, e auditEntry, details string) string {
	h := sha256.New()
	for _, part := range []string{prev, strconv.FormatInt(seq, 10), e.At, e.UserID, e.Username, e.DeviceID, e.Address, e.Action, e.Target, e.TeamID, details} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// appendAudit appends an entry inside the writer's transaction, chained to
// the last one.
func (db *DB) appendAudit(tx *wtx, e auditEntry) error {
	var prevSeq int64
	var prev string
	err := tx.QueryRow(`SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&prevSeq, &prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if e.At == "" {
		e.At = formatTime(db.now())
	}
	if e.Details == nil {
		e.Details = map[string]any{}
	}
	details, err := json.Marshal(e.Details)
	if err != nil {
		return err
	}
	seq := prevSeq + 1
	_, err = tx.Exec(`INSERT INTO audit (seq, at, user_id, username, device_id, address, action, target, team_id, details, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		seq, e.At, e.UserID, e.Username, e.DeviceID, e.Address, e.Action, e.Target, e.TeamID, string(details), prev, chainHash(prev, seq, e, string(details)))
	return err
}

// Audit records one event in its own group commit.
func (db *DB) Audit(ctx context.Context, p core.Principal, action, target, team string, details map[string]any) error {
	return db.w.do(ctx, func(tx *wtx) error {
		return db.appendAudit(tx, entryFor(p, action, target, team, details))
	})
}

// ListAudit pages through the audit log, newest first: the caller's team
// for supervisors (entries about their team or its people), everything
// for admins.
func (db *DB) ListAudit(ctx context.Context, p core.Principal, pg core.Page) ([]core.AuditEntry, string, error) {
	if err := requireOffice(p); err != nil {
		return nil, "", err
	}
	before, limit, err := pageBounds(pg)
	if err != nil {
		return nil, "", err
	}
	const cols = `SELECT seq, at, user_id, username, device_id, address, action, target, team_id, details, prev_hash, hash FROM audit`
	var rows *sql.Rows
	if p.IsAdmin() {
		rows, err = db.read.QueryContext(ctx, cols+` WHERE seq < ? ORDER BY seq DESC LIMIT ?`, before, limit+1)
	} else {
		rows, err = db.read.QueryContext(ctx, cols+` WHERE team_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`, p.TeamID, before, limit+1)
	}
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	items := []core.AuditEntry{}
	next := ""
	for rows.Next() {
		if len(items) == limit {
			next = strconv.FormatInt(items[len(items)-1].Seq, 10)
			break
		}
		var a core.AuditEntry
		var details string
		if err := rows.Scan(&a.Seq, &a.At, &a.UserID, &a.Username, &a.DeviceID, &a.Address, &a.Action, &a.Target, &a.TeamID, &details, &a.PrevHash, &a.Hash); err != nil {
			return nil, "", err
		}
		a.Details = json.RawMessage(details)
		items = append(items, a)
	}
	return items, next, rows.Err()
}

// VerifyAudit walks the whole chain and reports the first entry whose hash
// does not follow from its content and its predecessor.
func (db *DB) VerifyAudit(ctx context.Context) (entries int64, err error) {
	rows, err := db.read.QueryContext(ctx, `SELECT seq, at, user_id, username, device_id, address, action, target, team_id, details, prev_hash, hash FROM audit ORDER BY seq`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	prev := ""
	var want int64 = 1
	for rows.Next() {
		var e auditEntry
		var seq int64
		var details, prevHash, hash string
		if err := rows.Scan(&seq, &e.At, &e.UserID, &e.Username, &e.DeviceID, &e.Address, &e.Action, &e.Target, &e.TeamID, &details, &prevHash, &hash); err != nil {
			return entries, err
		}
		switch {
		case seq != want:
			return entries, fmt.Errorf("audit entry %d is missing", want)
		case prevHash != prev:
			return entries, fmt.Errorf("audit entry %d does not point at entry %d", seq, seq-1)
		case chainHash(prev, seq, e, details) != hash:
			return entries, fmt.Errorf("audit entry %d was altered", seq)
		}
		prev, want = hash, want+1
		entries++
	}
	return entries, rows.Err()
}

// pageBounds reads a newest-first page request: the cursor is the last
// sequence number seen.
func pageBounds(pg core.Page) (before int64, limit int, err error) {
	before = 1<<62 - 1
	if pg.Cursor != "" {
		n, perr := strconv.ParseInt(pg.Cursor, 10, 64)
		if perr != nil || n <= 0 {
			return 0, 0, core.Errorf(syncproto.CodeInvalidCursor, "cursor was not issued by this server")
		}
		before = n
	}
	return before, pageLimit(pg.Limit, 100), nil
}

// maxPage bounds every office list page.
const maxPage = 500

// pageLimit is the size of an office list page: def when unset, at most
// maxPage.
func pageLimit(limit, def int) int {
	if limit <= 0 {
		limit = def
	}
	return min(limit, maxPage)
}

// outOfScope audits an attempt to reach something outside the caller's
// scope and returns the not_found the caller gets.
func (db *DB) outOfScope(ctx context.Context, p core.Principal, target string) error {
	if err := db.Audit(ctx, p, "out_of_scope_attempt", target, p.TeamID, nil); err != nil {
		return err
	}
	return core.Errorf(syncproto.CodeNotFound, "not found")
}
