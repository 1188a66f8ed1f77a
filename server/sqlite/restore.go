package sqlite

import (
	"context"
	"encoding/json"

	"urcsync/server/core"
	"urcsync/syncproto"
)

// RestoreRecord undeletes a record (admin only): a server change stamped
// above the record's delete, so the deleted flag's last writer is the
// restore and every phone pulls the record back.
func (db *DB) RestoreRecord(ctx context.Context, p core.Principal, collection, id string) (syncproto.RecordChange, error) {
	if !p.IsAdmin() {
		return syncproto.RecordChange{}, core.Errorf(syncproto.CodeForbidden, "only an admin may restore records")
	}
	id, ok := syncproto.CanonicalUUID(id)
	if !ok || !db.opt.Schemas.Has(collection) {
		return syncproto.RecordChange{}, core.Errorf(syncproto.CodeNotFound, "no such record")
	}
	var out syncproto.RecordChange
	err := db.w.do(ctx, func(tx *wtx) error {
		rec, err := loadRecord(tx, collection, id)
		if err != nil {
			return err
		}
		if !rec.exists {
			return core.Errorf(syncproto.CodeNotFound, "no such record")
		}
		if rec.state.Deleted {
			saved, err := db.serverWrite(tx, collection, id, syncproto.KindRestore, nil)
			if err != nil {
				return err
			}
			rec = *saved
			if err := db.appendAudit(tx, entryFor(p, "record_restored", collection+"/"+id, rec.team, nil)); err != nil {
				return err
			}
		}
		out = syncproto.RecordChange{Collection: collection, ID: id, Deleted: rec.state.Deleted, HLC: rec.state.HighestHLC()}
		if !rec.state.Deleted {
			out.Fields = json.RawMessage(renderDoc(&rec))
		}
		return nil
	})
	return out, err
}
