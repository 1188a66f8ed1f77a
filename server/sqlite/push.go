package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"urcsync/server/core"
	"urcsync/syncproto"
)

// MaxChanges is the most changes one push may carry.
const MaxChanges = 1000

// Push judges and applies a push (protocol §3). Every change is first
// checked on its own, outside the writer; then the whole batch is applied
// in order inside one group commit, and the answer is built only after
// that commit is durable.
func (db *DB) Push(ctx context.Context, p core.Principal, b core.PushBatch) (*syncproto.PushResponse, error) {
	if dev, ok := syncproto.CanonicalUUID(b.DeviceID); !ok || dev != p.DeviceID {
		return nil, core.Errorf(syncproto.CodeForbidden, "device_id is not the device this token was issued to")
	}
	if len(b.Changes) > MaxChanges {
		return nil, core.Errorf(syncproto.CodePayloadTooLarge, "at most %d changes per push", MaxChanges)
	}
	preps, now, err := db.judge(ctx, b.Changes, p)
	if err != nil {
		return nil, err
	}
	results := make([]syncproto.PushResult, len(preps))
	err = db.w.do(ctx, func(tx *wtx) error {
		a := applier{db: db, tx: tx, p: p, now: now, at: formatTime(now), teams: map[string]string{}}
		if err := claimOps(tx, preps); err != nil {
			return err
		}
		var err error
		if a.ops, err = loadOps(tx, preps); err != nil {
			return err
		}
		if a.recs, err = loadPushRecords(tx, preps); err != nil {
			return err
		}
		for i := range preps {
			r, err := a.apply(&preps[i])
			if err != nil {
				return fmt.Errorf("change %d: %w", i, err)
			}
			results[i] = r
		}
		if _, err := insertOps(tx, a.newOps, false); err != nil {
			return err
		}
		return a.touchDevice(b.SentAt)
	})
	if err != nil {
		return nil, err
	}
	return &syncproto.PushResponse{Results: results, ServerHLC: db.ServerHLC()}, nil
}

// judge prepares every change of a push inside the admission gate, and
// works out in full the ones that may be creates. now, taken when the
// push is let in, is the push's time: its records' created_at and
// updated_at, and the clock the stamps are checked against.
func (db *DB) judge(ctx context.Context, changes []json.RawMessage, p core.Principal) ([]prepared, time.Time, error) {
	if err := db.opt.Gate.Enter(ctx); err != nil {
		return nil, time.Time{}, err
	}
	defer db.opt.Gate.Leave() // also when a change panics
	now := db.now()
	preps := make([]prepared, len(changes))
	for i, raw := range changes {
		preps[i] = db.prepare(raw, p.DeviceID)
	}
	db.planCreates(preps, p, now)
	return preps, now, nil
}

// applier applies the changes of one push inside the writer's transaction.
type applier struct {
	db  *DB
	tx  *wtx
	p   core.Principal
	now time.Time
	at  string
	// ops holds the push's op_ids already applied, read in one query and
	// extended as the push applies more.
	ops map[string]storedOp
	// newOps are the ops the push applied, written together at its end.
	newOps []newOp
	// teams caches referenced records' teams for the push ("" = absent).
	teams map[string]string
	// recs holds the records the push changes.
	recs pushRecords
}

// storedOp is an applied op as kept for idempotent re-sends. result is
// the first answer as JSON, or "" when it said no more than applied.
type storedOp struct {
	hash   []byte
	result string
}

// keptResult is the form of an applied change's answer kept with its op.
func keptResult(res syncproto.PushResult) (string, error) {
	if res.Error == nil && len(res.Conflicts) == 0 && len(res.Superseded) == 0 && res.Restamped == "" {
		return "", nil
	}
	b, err := json.Marshal(res)
	return string(b), err
}

// newOp is an op applied by the push being written.
type newOp struct {
	id string
	storedOp
}

// opsPerInsert is how many ops one INSERT statement writes.
const opsPerInsert = 250

// insertOps writes applied ops, many rows per statement, and returns how
// many rows it wrote. With ignoreExisting, an op_id already stored is
// left as it is (and not counted) instead of failing the statement.
func insertOps(tx *wtx, ops []newOp, ignoreExisting bool) (int, error) {
	written := 0
	for len(ops) > 0 {
		chunk := ops[:min(len(ops), opsPerInsert)]
		ops = ops[len(chunk):]
		args := make([]any, 0, 3*len(chunk))
		for _, op := range chunk {
			args = append(args, op.id, op.hash, op.result)
		}
		q := `INSERT INTO ops (op_id, hash, result) VALUES (?, ?, ?)` + strings.Repeat(`, (?, ?, ?)`, len(chunk)-1)
		if ignoreExisting {
			q += ` ON CONFLICT (op_id) DO NOTHING`
		}
		res, err := tx.Exec(q, args...)
		if err != nil {
			return written, err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return written, err
		}
		written += int(n)
	}
	return written, nil
}

// loadOps reads which op_ids of a push were applied before, in one
// query per maxInIDs ids instead of one per change; claimed ones are
// known to be new.
func loadOps(tx *wtx, preps []prepared) (map[string]storedOp, error) {
	ops := map[string]storedOp{}
	ids := make([]any, 0, len(preps))
	for i := range preps {
		if preps[i].validOp && !preps[i].claimed {
			ids = append(ids, preps[i].opID)
		}
	}
	err := queryIn(tx, `SELECT op_id, hash, result FROM ops WHERE op_id IN (`, nil, ids, func(rows *sql.Rows) error {
		var id string
		var op storedOp
		if err := rows.Scan(&id, &op.hash, &op.result); err != nil {
			return err
		}
		ops[id] = op
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ops, nil
}

// apply judges one change against the stored state and applies it.
// Rejections are results, not errors; an error aborts the whole push.
func (a *applier) apply(pc *prepared) (syncproto.PushResult, error) {
	res := syncproto.PushResult{OpID: pc.opID}
	if pc.validOp {
		prior, found, err := a.lookupOp(pc)
		if err != nil || found {
			return prior, err
		}
	}
	if pc.fresh != nil {
		if res, done, err := a.create(pc); err != nil || done {
			return res, err
		}
	}
	rej := pc.rej
	var err error
	if rej == nil {
		res, rej, err = a.merge(pc)
		if err != nil {
			return res, err
		}
	}
	if rej != nil {
		res = syncproto.PushResult{OpID: pc.opID, Status: syncproto.StatusRejected, Error: rej}
		if pc.claimed {
			if err := a.settleClaim(pc, &res, ""); err != nil {
				return res, err
			}
		}
		if rej.Code == syncproto.CodeForbidden || rej.Code == syncproto.CodeInvalidReference {
			target := pc.ch.Collection + "/" + pc.ch.ID
			if err := a.db.appendAudit(a.tx, entryFor(a.p, "out_of_scope_attempt", target, a.p.TeamID, map[string]any{"code": rej.Code, "op_id": pc.opID})); err != nil {
				return res, err
			}
		}
		return res, a.keepRejected(pc, rej)
	}
	return res, nil
}

// lookupOp answers a re-sent op_id: duplicate with the first answer when
// the content is the same, op_id_reused otherwise.
func (a *applier) lookupOp(pc *prepared) (syncproto.PushResult, bool, error) {
	op, found := a.ops[pc.opID]
	if !found {
		return syncproto.PushResult{}, false, nil
	}
	hash, result := op.hash, op.result
	if !bytes.Equal(hash, pc.hash) {
		rej := reject(syncproto.CodeOpIDReused, "op_id", "this op_id was already used for a different change")
		res := syncproto.PushResult{OpID: pc.opID, Status: syncproto.StatusRejected, Error: rej}
		return res, true, a.keepRejected(pc, rej)
	}
	var res syncproto.PushResult
	if result != "" {
		if err := json.Unmarshal([]byte(result), &res); err != nil {
			return res, false, err
		}
	}
	res.OpID = pc.opID
	res.Status = syncproto.StatusDuplicate
	return res, true, nil
}

// keepRejected stores a refused change for the office.
func (a *applier) keepRejected(pc *prepared, rej *syncproto.ChangeError) error {
	_, err := a.tx.Exec(`INSERT INTO rejected (op_id, device_id, user_id, team_id, collection, record_id, change, code, message, field, received_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		pc.opID, a.p.DeviceID, a.p.UserID, a.p.TeamID, pc.ch.Collection, pc.ch.ID, string(pc.raw),
		rej.Code, rej.Message, rej.Field, a.at)
	return err
}

// touchDevice records when the device last synced and how far its clock
// is from the server's.
func (a *applier) touchDevice(sentAt string) error {
	off, ok := clockOffset(sentAt, a.now)
	var offset any
	if ok {
		offset = off
	}
	_, err := a.tx.Exec(`UPDATE devices SET last_sync_at = ?, clock_offset_ms = coalesce(?, clock_offset_ms) WHERE id = ?`,
		a.at, offset, a.p.DeviceID)
	return err
}
