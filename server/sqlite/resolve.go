package sqlite

import (
	"bytes"
	"context"
	"encoding/json"

	"urcsync/server/core"
	"urcsync/syncproto"
)

// ResolveConflict applies a supervisor's decision (§6). keep_current
// writes nothing; use_other and custom write the chosen value as a server
// change stamped above the field's current stamp, so every phone pulls
// it. A field that moved on since the conflict is conflict_stale; the
// same resolution again is answered as before; another one on a resolved
// conflict is already_resolved.
func (db *DB) ResolveConflict(ctx context.Context, p core.Principal, id string, r core.Resolution) (core.Conflict, error) {
	if err := requireOffice(p); err != nil {
		return core.Conflict{}, err
	}
	switch r.Resolution {
	case core.KeepCurrent, core.UseOther, core.Custom:
	default:
		return core.Conflict{}, core.Errorf(syncproto.CodeInvalidRequest, "resolution must be keep_current, use_other or custom")
	}
	if len(r.Note) > 2000 {
		return core.Conflict{}, core.Errorf(syncproto.CodeInvalidRequest, "the note is over 2000 characters")
	}
	found, err := db.conflict(ctx, p, id)
	if err != nil {
		return core.Conflict{}, err
	}
	var out core.Conflict
	err = db.w.do(ctx, func(tx *wtx) error {
		c, err := loadConflict(tx, found.ID)
		if err != nil {
			return err
		}
		value, err := db.resolutionValue(c, r)
		if err != nil {
			return err
		}
		switch c.Status {
		case core.ConflictResolved:
			if c.Resolution == r.Resolution && bytes.Equal(c.Value, value) {
				out = c
				return nil
			}
			return core.Errorf(syncproto.CodeAlreadyResolved, "this conflict was already resolved with %s", c.Resolution)
		}
		rec, err := loadRecord(tx, c.Collection, c.RecordID)
		if err != nil {
			return err
		}
		if present, stale := staleness(c, rec); stale || c.Status == core.ConflictSuperseded {
			return &core.Error{Code: syncproto.CodeConflictStale, Message: "the value changed since this conflict was recorded",
				Details: map[string]any{"present": present}}
		}
		if err := db.applyResolution(tx, c, r.Resolution, value); err != nil {
			return err
		}
		at := formatTime(db.now())
		var stored any
		if value != nil {
			stored = string(value)
		}
		if _, err := tx.Exec(`UPDATE conflicts SET status = 'resolved', resolved_by = ?, resolved_at = ?, resolution = ?, resolved_value = ?, note = ? WHERE id = ?`,
			p.UserID, at, r.Resolution, stored, r.Note, c.ID); err != nil {
			return err
		}
		if err := db.appendAudit(tx, entryFor(p, "conflict_resolved", "conflict/"+c.ID, c.TeamID,
			map[string]any{"resolution": r.Resolution, "record": c.Collection + "/" + c.RecordID, "field": c.Field, "note": r.Note})); err != nil {
			return err
		}
		c.Status, c.ResolvedBy, c.ResolvedAt, c.Resolution, c.Value, c.Note = core.ConflictResolved, p.UserID, at, r.Resolution, value, r.Note
		out = c
		return nil
	})
	if err != nil {
		return out, err
	}
	return out, db.decorate(ctx, db.read, &out)
}

// resolutionValue validates a custom value like a pushed field.
func (db *DB) resolutionValue(c core.Conflict, r core.Resolution) (json.RawMessage, error) {
	if r.Resolution != core.Custom {
		return nil, nil
	}
	if c.Field == "" {
		return nil, core.Errorf(syncproto.CodeInvalidRequest, "a record-level conflict is resolved with keep_current or use_other")
	}
	if len(r.Value) == 0 {
		return nil, core.Errorf(syncproto.CodeInvalidRequest, "a custom resolution needs a value")
	}
	fields, ferr := db.opt.Schemas.CheckFields(c.Collection, map[string]json.RawMessage{c.Field: r.Value})
	if ferr != nil {
		return nil, &core.Error{Code: ferr.Code, Message: ferr.Message, Details: map[string]any{"field": ferr.Field}}
	}
	return fields[c.Field], nil
}

// staleness reports whether the conflict's field (or, for record-level
// conflicts, the deleted flag) moved on, and its present value.
func staleness(c core.Conflict, rec storedRecord) (any, bool) {
	if c.Field == "" {
		return map[string]any{"deleted": rec.state.Deleted}, !rec.state.Deleted || rec.state.DeletedStamp.HLC != c.Current.HLC
	}
	cur := rec.state.Fields[c.Field]
	return json.RawMessage(cur.Value), cur.HLC != c.Current.HLC
}

// applyResolution writes what the decision chose.
func (db *DB) applyResolution(tx *wtx, c core.Conflict, resolution string, value json.RawMessage) error {
	switch {
	case resolution == core.KeepCurrent:
		return nil
	case c.Field != "":
		if resolution == core.UseOther {
			value = c.Other.Value
		}
		_, err := db.serverWrite(tx, c.Collection, c.RecordID, syncproto.KindUpsert, map[string]json.RawMessage{c.Field: value})
		return err
	default:
		// The other side of a record-level conflict is an edit: undelete
		// and write its fields.
		if _, err := db.serverWrite(tx, c.Collection, c.RecordID, syncproto.KindRestore, nil); err != nil {
			return err
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(c.Other.Value, &fields); err != nil {
			return err
		}
		_, err := db.serverWrite(tx, c.Collection, c.RecordID, syncproto.KindUpsert, fields)
		return err
	}
}
