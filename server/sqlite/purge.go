package sqlite

import (
	"context"

	"urcsync/server/core"
	"urcsync/syncproto"
)

// PurgeRecord erases a record on a data-subject request (admin): every
// stored value goes, from the record, its conflicts and the rejected
// changes that carried it; the tombstone stays, stamped above everything,
// so no phone resurrects the record. The audit keeps who, when and why,
// not the data. The bytes of a purged photo lose their owner and are
// removed by the media sweeper (the caller may remove them at once).
func (db *DB) PurgeRecord(ctx context.Context, p core.Principal, collection, id string, r core.Purge) error {
	if !p.IsAdmin() {
		return core.Errorf(syncproto.CodeForbidden, "only an admin may purge records")
	}
	if r.Reason == "" || len(r.Reason) > 2000 {
		return core.Errorf(syncproto.CodeInvalidRequest, "a purge needs a reason (at most 2000 characters)")
	}
	id, ok := syncproto.CanonicalUUID(id)
	if !ok || !db.opt.Schemas.Has(collection) {
		return core.Errorf(syncproto.CodeNotFound, "no such record")
	}
	return db.w.do(ctx, func(tx *wtx) error {
		rec, err := loadRecord(tx, collection, id)
		if err != nil {
			return err
		}
		if !rec.exists {
			return core.Errorf(syncproto.CodeNotFound, "no such record")
		}
		pos := db.nextSeq()
		at := formatTime(db.now())
		rec.state.Apply(syncproto.Write{Kind: syncproto.KindDelete, BaseSeq: pos,
			Stamp: syncproto.Stamp{HLC: db.clock.Now().String(), Device: syncproto.ServerNode, At: at, Pos: pos}})
		rec.state.Fields = map[string]syncproto.FieldState{}
		rec.state.DeviceLast = nil
		rec.updatedAt = at
		if err := db.saveRecord(tx, collection, id, &rec, pos); err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE conflicts SET current = json_set(current, '$.value', json('null')), other = json_set(other, '$.value', json('null')),
			resolved_value = NULL, status = CASE status WHEN 'open' THEN 'superseded' ELSE status END WHERE collection = ? AND record_id = ?`,
			collection, id); err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE rejected SET change = '{"purged":true}' WHERE collection = ? AND record_id = ?`, collection, id); err != nil {
			return err
		}
		return db.appendAudit(tx, entryFor(p, "record_purged", collection+"/"+id, rec.team, map[string]any{"reason": r.Reason}))
	})
}
