package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"

	"urcsync/server/core"
)

// ListRejected pages through the rejected changes of the caller's team
// (all for admins), newest first. The cursor is the last id seen.
func (db *DB) ListRejected(ctx context.Context, p core.Principal, pg core.Page) ([]core.RejectedChange, string, error) {
	if err := requireOffice(p); err != nil {
		return nil, "", err
	}
	before, limit, err := pageBounds(pg)
	if err != nil {
		return nil, "", err
	}
	const cols = `SELECT r.id, r.op_id, r.device_id, r.user_id, coalesce(u.username, ''), r.team_id, r.collection, r.record_id, r.change, r.code, r.message, r.field, r.received_at
		FROM rejected r LEFT JOIN users u ON u.id = r.user_id`
	var rows *sql.Rows
	if p.IsAdmin() {
		rows, err = db.read.QueryContext(ctx, cols+` WHERE r.id < ? ORDER BY r.id DESC LIMIT ?`, before, limit+1)
	} else {
		rows, err = db.read.QueryContext(ctx, cols+` WHERE r.team_id = ? AND r.id < ? ORDER BY r.id DESC LIMIT ?`, p.TeamID, before, limit+1)
	}
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	items := []core.RejectedChange{}
	next := ""
	for rows.Next() {
		if len(items) == limit {
			next = strconv.FormatInt(items[len(items)-1].ID, 10)
			break
		}
		var r core.RejectedChange
		var change, received string
		if err := rows.Scan(&r.ID, &r.OpID, &r.DeviceID, &r.UserID, &r.Username, &r.TeamID, &r.Collection, &r.RecordID,
			&change, &r.Error.Code, &r.Error.Message, &r.Error.Field, &received); err != nil {
			return nil, "", err
		}
		r.Change = json.RawMessage(change)
		r.ReceivedAt = received
		items = append(items, r)
	}
	return items, next, rows.Err()
}
