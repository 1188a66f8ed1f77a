package sqlite

import (
	"encoding/json"

	"urcsync/server/core"
	"urcsync/syncproto"
)

// serverWrite applies a change made by the server itself (media
// processing, resolutions, reviews, restores): stamped with the server's
// next HLC, which is above every stamp ever applied, from a writer that
// has seen everything, so it wins and conflicts with nothing. It moves the
// record to a new position so every phone pulls it.
func (db *DB) serverWrite(tx *wtx, collection, id, kind string, fields map[string]json.RawMessage) (*storedRecord, error) {
	rec, err := loadRecord(tx, collection, id)
	if err != nil {
		return nil, err
	}
	if !rec.exists {
		return nil, core.Errorf(syncproto.CodeNotFound, "no such record")
	}
	pos := db.nextSeq()
	at := formatTime(db.now())
	w := syncproto.Write{Kind: kind, Fields: fields, BaseSeq: pos}
	w.Stamp = syncproto.Stamp{HLC: db.clock.Now().String(), Device: syncproto.ServerNode, At: at, Pos: pos}
	rec.state.Apply(w)
	rec.updatedAt = at
	if err := db.saveRecord(tx, collection, id, &rec, pos); err != nil {
		return nil, err
	}
	return &rec, db.afterChange(tx, collection, id, fields)
}

// afterChange keeps derived state in step with a record change: the
// EXIF checks of media follow their encounter's position and time.
func (db *DB) afterChange(tx *wtx, collection, id string, fields map[string]json.RawMessage) error {
	switch collection {
	case "encounters":
		for _, f := range []string{"lat", "lon", "occurred_at"} {
			if _, ok := fields[f]; ok {
				return db.refreshEncounterFlags(tx, id)
			}
		}
	case mediaCollection:
		if _, ok := fields["encounter_id"]; ok {
			return db.refreshMediaFlags(tx, id)
		}
	}
	return nil
}

// jsonValue encodes v for a field write.
func jsonValue(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
