package sqlite

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/google/uuid"

	"urcsync/syncproto"
)

// merge applies one prepared change to its record: scope, required and
// reference checks, re-stamping, the merge rules, conflicts, and the
// op record that makes re-sends idempotent.
func (a *applier) merge(pc *prepared) (syncproto.PushResult, *syncproto.ChangeError, error) {
	res := syncproto.PushResult{OpID: pc.opID, Status: syncproto.StatusApplied}
	ch := &pc.ch
	rec, err := a.record(ch.Collection, ch.ID)
	if err != nil {
		return res, nil, err
	}
	if rec.exists && !a.p.InScope(rec.team) {
		return res, reject(syncproto.CodeForbidden, "", "this record belongs to another team"), nil
	}
	if ch.Kind == syncproto.KindUpsert {
		if !rec.exists {
			if ferr := a.db.opt.Schemas.CheckRequired(ch.Collection, pc.fields); ferr != nil {
				return res, fieldReject(ferr), nil
			}
		}
		if rej, err := a.checkReferences(ch.Collection, pc.fields); rej != nil || err != nil {
			return res, rej, err
		}
	}

	w := syncproto.Write{Kind: ch.Kind, Fields: pc.fields, BaseSeq: pc.baseSeq}
	w.Device, w.HLC = a.p.DeviceID, pc.hlc.String()
	if a.untrusted(pc.hlc) || rec.state.DeviceOrderViolated(w) {
		w.HLC = a.db.clock.Now().String()
		res.Restamped = w.HLC
	} else {
		a.db.clock.Observe(pc.hlc)
	}
	pos := a.db.nextSeq()
	w.Stamp = syncproto.Stamp{HLC: w.HLC, Device: a.p.DeviceID, User: a.p.UserID, At: a.at, Pos: pos}

	if !rec.exists {
		rec.team, rec.createdBy, rec.createdDevice, rec.createdAt = a.p.TeamID, a.p.UserID, a.p.DeviceID, a.at
		for f, v := range a.db.opt.Schemas.Defaults(ch.Collection) {
			rec.state.Fields[f] = syncproto.FieldState{Value: v, Stamp: syncproto.Stamp{HLC: w.HLC, Device: syncproto.ServerNode, At: a.at, Pos: pos}}
		}
	}
	rec.updatedAt = a.at
	out := rec.state.Apply(w)
	res.Superseded = out.Superseded
	for _, c := range out.Conflicts {
		ref, err := a.recordConflict(ch.Collection, ch.ID, rec.team, c, pos)
		if err != nil {
			return res, nil, err
		}
		res.Conflicts = append(res.Conflicts, ref)
	}
	if err := a.db.saveRecord(a.tx, ch.Collection, ch.ID, rec, pos); err != nil {
		return res, nil, err
	}
	if a.db.followsMedia(ch.Collection, ch.ID) {
		// Derived writes to media records bypass the push's copies.
		clear(a.recs)
	}
	if err := a.db.afterChange(a.tx, ch.Collection, ch.ID, pc.fields); err != nil {
		return res, nil, err
	}
	stored, err := keptResult(res)
	if err != nil {
		return res, nil, err
	}
	op := storedOp{hash: pc.hash, result: stored}
	a.ops[pc.opID] = op
	if pc.claimed {
		return res, nil, a.settleClaim(pc, &res, stored)
	}
	a.newOps = append(a.newOps, newOp{id: pc.opID, storedOp: op})
	return res, nil, nil
}

// untrusted reports whether a stamp is too far ahead of the server's wall
// clock to be believed.
func (a *applier) untrusted(h syncproto.HLC) bool {
	return h.Time().After(a.now.Add(a.db.opt.SkewWindow))
}

// checkReferences refuses a reference to an existing record outside the
// caller's scope; a reference to a record not yet received is accepted.
func (a *applier) checkReferences(collection string, fields map[string]json.RawMessage) (*syncproto.ChangeError, error) {
	for field, target := range a.db.opt.Schemas.References(collection) {
		raw, ok := fields[field]
		if !ok {
			continue
		}
		id, ok := referencedID(raw)
		if !ok {
			continue
		}
		key := target + "/" + id
		ref, cached := a.teams[key]
		if !cached {
			var err error
			if ref, err = loadTeam(a.tx, target, id); err != nil {
				return nil, err
			}
			a.teams[key] = ref
		}
		if ref != "" && !a.p.InScope(ref) {
			return reject(syncproto.CodeInvalidReference, field, "the referenced record is outside your scope"), nil
		}
	}
	return nil, nil
}

// referencedID reads a reference field's value: a string, usually the
// canonical UUID the schema check leaves, which needs no unescaping.
func referencedID(raw json.RawMessage) (string, bool) {
	if n := len(raw); n > 2 && raw[0] == '"' && raw[n-1] == '"' && bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : n-1]), true
	}
	var id string
	if json.Unmarshal(raw, &id) != nil || id == "" {
		return "", false
	}
	return id, true
}

// loadTeam returns the team of a record, or "" when there is none.
func loadTeam(q querier, collection, id string) (string, error) {
	var team string
	err := q.QueryRow(`SELECT team_id FROM records WHERE collection = ? AND id = ?`, collection, id).Scan(&team)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return team, err
}

// conflictSide is one side of a conflict as stored and shown.
type conflictSide struct {
	Value    json.RawMessage `json:"value"`
	HLC      string          `json:"hlc"`
	DeviceID string          `json:"device_id"`
	UserID   string          `json:"user_id"`
	At       string          `json:"at"`
}

func sideOf(s syncproto.Side) conflictSide {
	return conflictSide{Value: s.Value, HLC: s.HLC, DeviceID: s.Device, UserID: s.User, At: s.At}
}

// recordConflict stores a new open conflict and marks the earlier open
// ones on the same field superseded.
func (a *applier) recordConflict(collection, id, team string, c syncproto.ConflictFinding, pos int64) (syncproto.ConflictRef, error) {
	cid := uuid.Must(uuid.NewV7()).String()
	ref := syncproto.ConflictRef{Field: c.Field, ConflictID: cid, Kind: c.Kind}
	if _, err := a.tx.Exec(`UPDATE conflicts SET status = 'superseded' WHERE collection = ? AND record_id = ? AND field = ? AND status = 'open'`,
		collection, id, c.Field); err != nil {
		return ref, err
	}
	cur, _ := json.Marshal(sideOf(c.Current))
	other, _ := json.Marshal(sideOf(c.Other))
	_, err := a.tx.Exec(`INSERT INTO conflicts (id, team_id, collection, record_id, field, kind, status, current, other, record_seq, created_at)
		VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?)`,
		cid, team, collection, id, c.Field, c.Kind, string(cur), string(other), pos, a.at)
	return ref, err
}
