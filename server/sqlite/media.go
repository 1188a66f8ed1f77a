package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"time"

	"urcsync/server/core"
	"urcsync/syncproto"
)

const mediaCollection = "media"

// loadMediaEncounters reads which encounters have photos.
func (db *DB) loadMediaEncounters(ctx context.Context) error {
	db.mediaEncounters = map[string]bool{}
	rows, err := db.write.QueryContext(ctx, `SELECT DISTINCT encounter_id FROM media_index`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		db.mediaEncounters[id] = true
	}
	return rows.Err()
}

// indexMedia keeps media_index in step with a saved media record.
func (db *DB) indexMedia(tx *wtx, id string, r *storedRecord) error {
	enc := stringField(r.state, "encounter_id")
	db.mediaEncounters[enc] = true
	stored := stringField(r.state, "content_status") == core.ContentStored
	deletedAt := ""
	if r.state.Deleted {
		deletedAt = r.state.DeletedStamp.At
	}
	_, err := tx.Exec(`INSERT INTO media_index (media_id, encounter_id, stored, deleted, deleted_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (media_id) DO UPDATE SET encounter_id = excluded.encounter_id, stored = excluded.stored,
			deleted = excluded.deleted, deleted_at = excluded.deleted_at`,
		id, enc, stored, r.state.Deleted, deletedAt)
	return err
}

// stringField returns a string field's value, "" when absent or not a string.
func stringField(r *syncproto.Record, name string) string {
	var s string
	if f, ok := r.Fields[name]; ok {
		_ = json.Unmarshal(f.Value, &s)
	}
	return s
}

func floatField(r *syncproto.Record, name string) *float64 {
	var v *float64
	if f, ok := r.Fields[name]; ok {
		_ = json.Unmarshal(f.Value, &v)
	}
	return v
}

func timeField(r *syncproto.Record, name string) *time.Time {
	s := stringField(r, name)
	if s == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil
	}
	return &t
}

// MediaInfo returns a media record of the caller's scope.
func (db *DB) MediaInfo(ctx context.Context, p core.Principal, id string) (core.MediaInfo, error) {
	id, ok := syncproto.CanonicalUUID(id)
	if !ok {
		return core.MediaInfo{}, core.Errorf(syncproto.CodeNotFound, "no such media")
	}
	rec, err := loadRecord(db.read, mediaCollection, id)
	if err != nil {
		return core.MediaInfo{}, err
	}
	if !rec.exists {
		return core.MediaInfo{}, core.Errorf(syncproto.CodeNotFound, "no such media")
	}
	if !p.InScope(rec.team) {
		return core.MediaInfo{}, db.outOfScope(ctx, p, "media/"+id)
	}
	info := core.MediaInfo{
		ID: id, TeamID: rec.team, CreatedDevice: rec.createdDevice,
		EncounterID:   stringField(rec.state, "encounter_id"),
		SHA256:        strings.ToLower(stringField(rec.state, "sha256")),
		ContentType:   stringField(rec.state, "content_type"),
		ContentStatus: stringField(rec.state, "content_status"),
		Deleted:       rec.state.Deleted,
	}
	if size := floatField(rec.state, "size"); size != nil {
		info.Size = int64(*size)
	}
	if rec.state.Deleted {
		info.DeletedAt, _ = time.Parse(time.RFC3339Nano, rec.state.DeletedStamp.At)
	}
	return info, nil
}

// MediaRecord returns the pulled form of a media record.
func (db *DB) MediaRecord(ctx context.Context, id string) (json.RawMessage, error) {
	var doc string
	err := db.read.QueryRowContext(ctx, `SELECT doc FROM records WHERE collection = ? AND id = ?`, mediaCollection, id).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, core.Errorf(syncproto.CodeNotFound, "no such media")
	}
	return json.RawMessage(doc), err
}

// MarkStored records stored bytes and their EXIF as one server change,
// with the flags the EXIF checks give.
func (db *DB) MarkStored(ctx context.Context, id string, exif core.ExifResult) (json.RawMessage, error) {
	var doc json.RawMessage
	err := db.w.do(ctx, func(tx *wtx) error {
		fields := map[string]json.RawMessage{
			"content_status": jsonValue(core.ContentStored),
			"exif_taken_at":  jsonValue(formatTimePtr(exif.TakenAt)),
			"exif_lat":       jsonValue(exif.Lat),
			"exif_lon":       jsonValue(exif.Lon),
		}
		rec, err := loadRecord(tx, mediaCollection, id)
		if err != nil {
			return err
		}
		facts, err := db.mediaFacts(tx, rec.state, exif.HasExif)
		if err != nil {
			return err
		}
		facts.ExifTakenAt, facts.ExifLat, facts.ExifLon = exif.TakenAt, exif.Lat, exif.Lon
		fields["flags"] = jsonValue(db.flags(facts))
		saved, err := db.serverWrite(tx, mediaCollection, id, syncproto.KindUpsert, fields)
		if err != nil {
			return err
		}
		doc = json.RawMessage(renderDoc(saved))
		return nil
	})
	return doc, err
}

func formatTimePtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := formatTime(*t)
	return &s
}

// flags runs the configured EXIF checks.
func (db *DB) flags(f core.MediaFacts) []string {
	if db.opt.MediaFlags == nil {
		return []string{}
	}
	out := db.opt.MediaFlags(f)
	if out == nil {
		out = []string{}
	}
	return out
}

// mediaFacts gathers the encounter side of the EXIF checks and the EXIF
// already stored on the media record.
func (db *DB) mediaFacts(tx *wtx, media *syncproto.Record, hasExif bool) (core.MediaFacts, error) {
	f := core.MediaFacts{
		HasExif:     hasExif,
		ExifTakenAt: timeField(media, "exif_taken_at"),
		ExifLat:     floatField(media, "exif_lat"),
		ExifLon:     floatField(media, "exif_lon"),
	}
	enc := stringField(media, "encounter_id")
	if enc == "" {
		return f, nil
	}
	rec, err := loadRecord(tx, "encounters", enc)
	if err != nil || !rec.exists {
		return f, err
	}
	f.EncAt = timeField(rec.state, "occurred_at")
	f.EncLat = floatField(rec.state, "lat")
	f.EncLon = floatField(rec.state, "lon")
	return f, nil
}

// followsMedia reports whether a change to a record may rewrite media
// records after it (their EXIF flags follow their encounter).
func (db *DB) followsMedia(collection, id string) bool {
	return collection == mediaCollection || (collection == "encounters" && db.mediaEncounters[id])
}

// refreshEncounterFlags redoes the EXIF checks of an encounter's stored
// photos after the encounter moved.
func (db *DB) refreshEncounterFlags(tx *wtx, encounterID string) error {
	if !db.mediaEncounters[encounterID] {
		return nil
	}
	rows, err := tx.Query(`SELECT media_id FROM media_index WHERE encounter_id = ? AND stored = 1`, encounterID)
	if err != nil {
		return err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		if err := db.refreshMediaFlags(tx, id); err != nil {
			return err
		}
	}
	return rows.Err()
}

// refreshMediaFlags recomputes one stored photo's flags and writes them
// when they changed.
func (db *DB) refreshMediaFlags(tx *wtx, id string) error {
	rec, err := loadRecord(tx, mediaCollection, id)
	if err != nil || !rec.exists || stringField(rec.state, "content_status") != core.ContentStored {
		return err
	}
	var old []string
	if f, ok := rec.state.Fields["flags"]; ok {
		_ = json.Unmarshal(f.Value, &old)
	}
	hadExif := true
	for _, f := range old {
		if f == "no_exif" {
			hadExif = false
		}
	}
	facts, err := db.mediaFacts(tx, rec.state, hadExif)
	if err != nil {
		return err
	}
	flags := db.flags(facts)
	if old == nil {
		old = []string{}
	}
	if reflect.DeepEqual(flags, old) {
		return nil
	}
	_, err = db.serverWrite(tx, mediaCollection, id, syncproto.KindUpsert, map[string]json.RawMessage{"flags": jsonValue(flags)})
	return err
}
