package client

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"urcsync/syncproto"
)

// pendingChange is one outbox entry.
type pendingChange struct {
	seq int64
	syncproto.Change
	createdAt string
}

// Upsert records a local edit: it writes the named fields (nil clears a
// field), stamps the change with the clock, shows it in the replica and
// queues it for the next push. It returns the change's op_id.
func (c *Client) Upsert(collection, id string, fields map[string]any) (opID string, err error) {
	if len(fields) == 0 {
		return "", fmt.Errorf("client: upsert %s/%s: no fields", collection, id)
	}
	raw := make(map[string]json.RawMessage, len(fields))
	for f, v := range fields {
		if f == "" || f == syncproto.DeletedField {
			return "", fmt.Errorf("client: upsert %s/%s: invalid field name %q", collection, id, f)
		}
		b, err := json.Marshal(v)
		if err != nil {
			return "", fmt.Errorf("client: upsert %s/%s: field %s: %w", collection, id, f, err)
		}
		raw[f] = b
	}
	opID, err = c.enqueue(syncproto.Change{Collection: collection, ID: id, Kind: syncproto.KindUpsert, Fields: raw})
	if err != nil {
		return "", fmt.Errorf("client: upsert %s/%s: %w", collection, id, err)
	}
	return opID, nil
}

// Delete records a local delete of a record (a tombstone) and queues it for
// the next push. It returns the change's op_id.
func (c *Client) Delete(collection, id string) (opID string, err error) {
	opID, err = c.enqueue(syncproto.Change{Collection: collection, ID: id, Kind: syncproto.KindDelete})
	if err != nil {
		return "", fmt.Errorf("client: delete %s/%s: %w", collection, id, err)
	}
	return opID, nil
}

// enqueue completes ch (op_id, stamp, base cursor) and stores it in the
// outbox and the replica in one transaction.
func (c *Client) enqueue(ch syncproto.Change) (string, error) {
	if ch.Collection == "" {
		return "", fmt.Errorf("empty collection")
	}
	id, ok := syncproto.CanonicalUUID(ch.ID)
	if !ok {
		return "", fmt.Errorf("record id %q is not a UUID", ch.ID)
	}
	ch.ID = id
	op, err := uuid.NewV7()
	if err != nil {
		return "", fmt.Errorf("generate op_id: %w", err)
	}
	ch.OpID = op.String()
	if err := c.inTx(func(tx *sql.Tx) error { return c.enqueueTx(tx, ch) }); err != nil {
		return "", err
	}
	return ch.OpID, nil
}

// enqueueTx stamps ch (op_id and id already set), gives it its base
// cursor, and stores it in the outbox and the replica within tx.
func (c *Client) enqueueTx(tx *sql.Tx, ch syncproto.Change) error {
	base, err := baseCursorFor(tx, ch)
	if err != nil {
		return err
	}
	ch.BaseCursor = base
	h, err := c.stamp(tx)
	if err != nil {
		return err
	}
	ch.HLC = h.String()
	if err := insertPending(tx, ch, c.now()); err != nil {
		return err
	}
	return applyLocal(tx, ch)
}

// baseCursorFor returns the base cursor of a new change: that of the
// oldest pending change touching the same field of the same record (any
// change of the record when either is a delete), else the final cursor of
// the last completed pull.
func baseCursorFor(q querier, ch syncproto.Change) (string, error) {
	pending, err := loadPendingFor(q, ch.Collection, ch.ID)
	if err != nil {
		return "", err
	}
	for _, p := range pending {
		if p.Kind == syncproto.KindDelete || ch.Kind == syncproto.KindDelete {
			return p.BaseCursor, nil
		}
		for f := range ch.Fields {
			if _, ok := p.Fields[f]; ok {
				return p.BaseCursor, nil
			}
		}
	}
	return getState(q, keyCursor)
}

// pendingTouches lists the fields that pending upserts of a record write
// and whether a delete of it is pending.
func pendingTouches(q querier, collection, id string) (fields map[string]bool, del bool, err error) {
	pending, err := loadPendingFor(q, collection, id)
	if err != nil {
		return nil, false, err
	}
	fields = map[string]bool{}
	for _, p := range pending {
		if p.Kind == syncproto.KindDelete {
			del = true
		}
		for f := range p.Fields {
			fields[f] = true
		}
	}
	return fields, del, nil
}

func insertPending(q querier, ch syncproto.Change, now time.Time) error {
	var fields any
	if ch.Fields != nil {
		b, err := json.Marshal(ch.Fields)
		if err != nil {
			return fmt.Errorf("encode fields: %w", err)
		}
		fields = string(b)
	}
	_, err := q.ExecContext(context.Background(),
		`INSERT INTO outbox (op_id, collection, id, kind, fields, hlc, base_cursor, created_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		ch.OpID, ch.Collection, ch.ID, ch.Kind, fields, ch.HLC, ch.BaseCursor, formatTime(now))
	if err != nil {
		return fmt.Errorf("write outbox: %w", err)
	}
	return nil
}

const pendingColumns = `seq, op_id, collection, id, kind, fields, hlc, base_cursor, created_at`

// loadPending returns up to limit outbox entries, oldest first (all of
// them when limit < 0).
func loadPending(q querier, limit int) ([]pendingChange, error) {
	return queryPending(q, `SELECT `+pendingColumns+` FROM outbox ORDER BY seq LIMIT ?`, limit)
}

// loadPendingFor returns the outbox entries of one record, oldest first.
func loadPendingFor(q querier, collection, id string) ([]pendingChange, error) {
	return queryPending(q, `SELECT `+pendingColumns+` FROM outbox
		WHERE collection = ? AND id = ? ORDER BY seq`, collection, id)
}

func queryPending(q querier, query string, args ...any) ([]pendingChange, error) {
	rows, err := q.QueryContext(context.Background(), query, args...)
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	defer rows.Close()
	var out []pendingChange
	for rows.Next() {
		var p pendingChange
		var fields sql.NullString
		if err := rows.Scan(&p.seq, &p.OpID, &p.Collection, &p.ID, &p.Kind, &fields,
			&p.HLC, &p.BaseCursor, &p.createdAt); err != nil {
			return nil, fmt.Errorf("read outbox: %w", err)
		}
		if fields.Valid {
			if err := json.Unmarshal([]byte(fields.String), &p.Fields); err != nil {
				return nil, fmt.Errorf("read outbox %s: %w", p.OpID, err)
			}
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	return out, nil
}

func deletePending(q querier, opID string) error {
	if _, err := q.ExecContext(context.Background(), `DELETE FROM outbox WHERE op_id = ?`, opID); err != nil {
		return fmt.Errorf("remove %s from outbox: %w", opID, err)
	}
	return nil
}

// Pending returns the number of changes waiting in the outbox.
func (c *Client) Pending() (int, error) {
	var n int
	if err := c.db.QueryRow(`SELECT count(*) FROM outbox`).Scan(&n); err != nil {
		return 0, fmt.Errorf("client: pending: %w", err)
	}
	return n, nil
}

// formatTime renders t as the protocol emits times: UTC, milliseconds.
func formatTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}
