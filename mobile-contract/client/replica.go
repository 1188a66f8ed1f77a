package client

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"urcsync/syncproto"
)

// Record is one record of the replica as the officer sees it: the server's
// state with the phone's own edits on top.
type Record struct {
	// Fields holds the record's field values as JSON.
	Fields map[string]json.RawMessage
	// Deleted reports a tombstone.
	Deleted bool
	// HLC is the highest stamp known for the record.
	HLC string
}

// replicaRow is one row of the records table.
type replicaRow struct {
	collection, id string
	// fields, stamps and deleted are the view: fields carry local stamps
	// (field → HLC, DeletedField for a local delete) while a local write
	// is what the view shows.
	fields  map[string]json.RawMessage
	stamps  map[string]string
	deleted bool
	hlc     string
	// base* is the last state known to the server.
	baseFields  map[string]json.RawMessage
	baseDeleted bool
	baseHLC     string
}

func newRow(collection, id string) *replicaRow {
	return &replicaRow{
		collection: collection, id: id,
		fields: map[string]json.RawMessage{}, stamps: map[string]string{},
		baseFields: map[string]json.RawMessage{},
	}
}

// loadRow reads a record, or returns a new empty row when there is none.
func loadRow(q querier, collection, id string) (*replicaRow, error) {
	r := newRow(collection, id)
	var fields, stamps, baseFields string
	err := q.QueryRowContext(context.Background(),
		`SELECT fields, stamps, deleted, hlc, base_fields, base_deleted, base_hlc
		 FROM records WHERE collection = ? AND id = ?`, collection, id).
		Scan(&fields, &stamps, &r.deleted, &r.hlc, &baseFields, &r.baseDeleted, &r.baseHLC)
	if errors.Is(err, sql.ErrNoRows) {
		return r, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read record %s/%s: %w", collection, id, err)
	}
	for _, p := range []struct {
		text string
		into any
	}{{fields, &r.fields}, {stamps, &r.stamps}, {baseFields, &r.baseFields}} {
		if err := json.Unmarshal([]byte(p.text), p.into); err != nil {
			return nil, fmt.Errorf("decode record %s/%s: %w", collection, id, err)
		}
	}
	return r, nil
}

// save writes the row back, recomputing its highest stamp.
func (r *replicaRow) save(q querier) error {
	r.hlc = r.baseHLC
	for _, s := range r.stamps {
		r.hlc = max(r.hlc, s)
	}
	fields, err := json.Marshal(r.fields)
	if err != nil {
		return fmt.Errorf("encode record %s/%s: %w", r.collection, r.id, err)
	}
	stamps, err := json.Marshal(r.stamps)
	if err != nil {
		return fmt.Errorf("encode record %s/%s: %w", r.collection, r.id, err)
	}
	baseFields, err := json.Marshal(r.baseFields)
	if err != nil {
		return fmt.Errorf("encode record %s/%s: %w", r.collection, r.id, err)
	}
	_, err = q.ExecContext(context.Background(),
		`INSERT INTO records (collection, id, fields, stamps, deleted, hlc, base_fields, base_deleted, base_hlc)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		 ON CONFLICT (collection, id) DO UPDATE SET
		   fields = excluded.fields, stamps = excluded.stamps, deleted = excluded.deleted,
		   hlc = excluded.hlc, base_fields = excluded.base_fields,
		   base_deleted = excluded.base_deleted, base_hlc = excluded.base_hlc`,
		r.collection, r.id, string(fields), string(stamps), r.deleted, r.hlc,
		string(baseFields), r.baseDeleted, r.baseHLC)
	if err != nil {
		return fmt.Errorf("write record %s/%s: %w", r.collection, r.id, err)
	}
	return nil
}

// applyLocal shows a local change in the view. Upserts never undelete.
func applyLocal(q querier, ch syncproto.Change) error {
	r, err := loadRow(q, ch.Collection, ch.ID)
	if err != nil {
		return err
	}
	if ch.Kind == syncproto.KindDelete {
		r.deleted = true
		r.stamps[syncproto.DeletedField] = ch.HLC
	}
	for f, v := range ch.Fields {
		r.fields[f] = v
		r.stamps[f] = ch.HLC
	}
	return r.save(q)
}

// applyPulled replaces the record with the server's state, except what a
// pending change still holds.
func applyPulled(q querier, rc syncproto.RecordChange) error {
	pendingFields, pendingDelete, err := pendingTouches(q, rc.Collection, rc.ID)
	if err != nil {
		return err
	}
	r, err := loadRow(q, rc.Collection, rc.ID)
	if err != nil {
		return err
	}
	pulled := map[string]json.RawMessage{}
	if !rc.Deleted {
		if pulled, err = rc.FieldMap(); err != nil {
			return fmt.Errorf("pulled record %s/%s: fields: %w", rc.Collection, rc.ID, err)
		}
	}
	view := make(map[string]json.RawMessage, len(pulled))
	for f, v := range pulled {
		view[f] = v
	}
	stamps := map[string]string{}
	for f := range pendingFields {
		if v, ok := r.fields[f]; ok {
			view[f] = v
		}
		if s, ok := r.stamps[f]; ok {
			stamps[f] = s
		}
	}
	if pendingDelete {
		if s, ok := r.stamps[syncproto.DeletedField]; ok {
			stamps[syncproto.DeletedField] = s
		}
	}
	r.fields, r.stamps = view, stamps
	r.deleted = rc.Deleted || pendingDelete
	r.baseFields, r.baseDeleted, r.baseHLC = pulled, rc.Deleted, rc.HLC
	return r.save(q)
}

// applyAccepted records that the server applied ch: a restamp replaces the
// change's stamps in the view, and the fields that won become the
// server-known state.
func applyAccepted(q querier, ch syncproto.Change, res syncproto.PushResult) error {
	r, err := loadRow(q, ch.Collection, ch.ID)
	if err != nil {
		return err
	}
	stamp := ch.HLC
	if res.Restamped != "" {
		stamp = res.Restamped
		for f, s := range r.stamps {
			if s == ch.HLC {
				r.stamps[f] = stamp
			}
		}
	}
	lost := map[string]bool{}
	for _, f := range res.Superseded {
		lost[f] = true
	}
	if ch.Kind == syncproto.KindDelete {
		r.baseDeleted = true
	}
	for f, v := range ch.Fields {
		if !lost[f] {
			r.baseFields[f] = v
		}
	}
	r.baseHLC = max(r.baseHLC, stamp)
	return r.save(q)
}

// revertRejected puts the server-known values back in the view for what
// ch wrote, unless a pending change still holds it.
func revertRejected(q querier, ch syncproto.Change) error {
	pendingFields, pendingDelete, err := pendingTouches(q, ch.Collection, ch.ID)
	if err != nil {
		return err
	}
	r, err := loadRow(q, ch.Collection, ch.ID)
	if err != nil {
		return err
	}
	if ch.Kind == syncproto.KindDelete && !pendingDelete && r.stamps[syncproto.DeletedField] == ch.HLC {
		r.deleted = r.baseDeleted
		delete(r.stamps, syncproto.DeletedField)
	}
	for f := range ch.Fields {
		if pendingFields[f] || r.stamps[f] != ch.HLC {
			continue
		}
		if v, ok := r.baseFields[f]; ok {
			r.fields[f] = v
		} else {
			delete(r.fields, f)
		}
		delete(r.stamps, f)
	}
	return r.save(q)
}

// clearReplica drops every record and shows the outbox's changes again on
// an empty replica.
func clearReplica(q querier) error {
	if _, err := q.ExecContext(context.Background(), `DELETE FROM records`); err != nil {
		return fmt.Errorf("clear replica: %w", err)
	}
	pending, err := loadPending(q, -1)
	if err != nil {
		return err
	}
	for _, p := range pending {
		if err := applyLocal(q, p.Change); err != nil {
			return err
		}
	}
	return nil
}

// Record returns one record of the replica. found is false when the phone
// knows nothing of it.
func (c *Client) Record(collection, id string) (fields map[string]json.RawMessage, deleted bool, found bool, err error) {
	if canon, ok := syncproto.CanonicalUUID(id); ok {
		id = canon
	}
	var text string
	err = c.db.QueryRow(`SELECT fields, deleted FROM records WHERE collection = ? AND id = ?`, collection, id).
		Scan(&text, &deleted)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, false, nil
	}
	if err != nil {
		return nil, false, false, fmt.Errorf("client: record %s/%s: %w", collection, id, err)
	}
	if err := json.Unmarshal([]byte(text), &fields); err != nil {
		return nil, false, false, fmt.Errorf("client: record %s/%s: %w", collection, id, err)
	}
	return fields, deleted, true, nil
}

// Records returns every record of a collection, tombstones included, by id.
func (c *Client) Records(collection string) (map[string]Record, error) {
	rows, err := c.db.Query(`SELECT id, fields, deleted, hlc FROM records WHERE collection = ?`, collection)
	if err != nil {
		return nil, fmt.Errorf("client: records %s: %w", collection, err)
	}
	defer rows.Close()
	out := map[string]Record{}
	for rows.Next() {
		var id, text string
		var rec Record
		if err := rows.Scan(&id, &text, &rec.Deleted, &rec.HLC); err != nil {
			return nil, fmt.Errorf("client: records %s: %w", collection, err)
		}
		if err := json.Unmarshal([]byte(text), &rec.Fields); err != nil {
			return nil, fmt.Errorf("client: records %s/%s: %w", collection, id, err)
		}
		out[id] = rec
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("client: records %s: %w", collection, err)
	}
	return out, nil
}
