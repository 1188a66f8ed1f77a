package sqlite

import (
	"bytes"
	"time"

	"urcsync/server/core"
	"urcsync/syncproto"
)

// freshRecord is a create worked out in full while the push is judged,
// outside the writer: the row the change writes when its record does not
// exist yet. Whether it exists is told by the writer's insert itself
// (ON CONFLICT DO NOTHING), so nothing read earlier has to stay true;
// when the record is there after all, the change takes the general path.
type freshRecord struct {
	rec    storedRecord
	hlc    string
	doc    string
	state  []byte
	result syncproto.PushResult
}

// planCreates works out the fresh row of every change of a push that
// may be a create: a valid upsert of a collection without server
// defaults or derived writes, its stamp believable at now, its record
// and op_id named once in the push, and its required fields present.
func (db *DB) planCreates(preps []prepared, p core.Principal, now time.Time) {
	if db.noFresh {
		return
	}
	keys := make(map[string]int, len(preps))
	ops := make(map[string]int, len(preps))
	for i := range preps {
		if pc := &preps[i]; pc.rej == nil {
			keys[recordKey(pc.ch.Collection, pc.ch.ID)]++
		}
		ops[preps[i].opID]++
	}
	at := formatTime(now)
	for i := range preps {
		pc := &preps[i]
		ch := &pc.ch
		if pc.rej != nil || !pc.validOp || ch.Kind != syncproto.KindUpsert || ch.Collection == mediaCollection ||
			keys[recordKey(ch.Collection, ch.ID)] != 1 || ops[pc.opID] != 1 ||
			pc.hlc.Time().After(now.Add(db.opt.SkewWindow)) ||
			db.opt.Schemas.HasDefaults(ch.Collection) ||
			db.opt.Schemas.CheckRequired(ch.Collection, pc.fields) != nil {
			continue
		}
		pc.fresh = freshRow(pc, p, at)
	}
}

// freshRow applies a change to an empty record as merge would, or
// returns nil when the outcome is not a plain create whose stored state
// is the same at any row position.
func freshRow(pc *prepared, p core.Principal, at string) *freshRecord {
	f := &freshRecord{rec: storedRecord{
		state: &syncproto.Record{Fields: make(map[string]syncproto.FieldState, len(pc.fields))}, team: p.TeamID, createdBy: p.UserID,
		createdDevice: p.DeviceID, createdAt: at, updatedAt: at,
	}}
	w := syncproto.Write{Kind: pc.ch.Kind, Fields: pc.fields, BaseSeq: pc.baseSeq,
		Stamp: syncproto.Stamp{HLC: pc.hlc.String(), Device: p.DeviceID, User: p.UserID, At: at}}
	out := f.rec.state.Apply(w)
	if len(out.Conflicts) > 0 || len(out.Superseded) > 0 {
		return nil
	}
	f.hlc = f.rec.state.HighestHLC()
	state, err := encodeState(nil, f.rec.state, rowStamp(&f.rec, f.hlc, 0))
	if err != nil || !bytes.HasPrefix(state, []byte(stateV2Prefix+`"s":[]`)) {
		// A stamp of its own would carry the row position.
		return nil
	}
	f.state, f.doc = state, renderDoc(&f.rec)
	f.result = syncproto.PushResult{OpID: pc.opID, Status: syncproto.StatusApplied}
	return f
}

// create writes a change planned as fresh. It reports false, having
// written nothing, when the change must take the general path: its
// record exists by now, or a reference needs the general path's answer.
func (a *applier) create(pc *prepared) (syncproto.PushResult, bool, error) {
	f, ch := pc.fresh, &pc.ch
	if rej, err := a.checkReferences(ch.Collection, pc.fields); rej != nil || err != nil {
		return f.result, false, err
	}
	pos := a.db.nextSeq()
	inserted, err := insertRecord(a.tx, ch.Collection, ch.ID, &f.rec, pos, f.hlc, f.doc, f.state, true)
	if err != nil || !inserted {
		a.db.unusedSeq(pos)
		return f.result, false, err
	}
	a.db.clock.Observe(pc.hlc)
	if a.db.followsMedia(ch.Collection, ch.ID) {
		clear(a.recs)
	}
	if err := a.db.afterChange(a.tx, ch.Collection, ch.ID, pc.fields); err != nil {
		return f.result, false, err
	}
	op := storedOp{hash: pc.hash} // a plain applied: kept as ""
	a.ops[pc.opID] = op
	if !pc.claimed {
		a.newOps = append(a.newOps, newOp{id: pc.opID, storedOp: op})
	}
	return f.result, true, nil
}
