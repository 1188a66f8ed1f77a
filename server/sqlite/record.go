package sqlite

import (
	"database/sql"
	"encoding/json"
	"errors"
	"sort"
	"strings"

	"urcsync/syncproto"
)

// storedRecord is one row of the records table with its merge state.
type storedRecord struct {
	exists        bool
	createdDevice string
	seq           int64
	team          string
	createdBy     string
	createdAt     string
	updatedAt     string
	state         *syncproto.Record
}

// loadRecord reads a record and its merge state; a record never seen
// comes back with exists=false and an empty state.
func loadRecord(q querier, collection, id string) (storedRecord, error) {
	r := storedRecord{state: syncproto.NewRecord()}
	var state string
	err := q.QueryRow(`SELECT seq, team_id, created_by, created_device, created_at, updated_at, state FROM records WHERE collection = ? AND id = ?`,
		collection, id).Scan(&r.seq, &r.team, &r.createdBy, &r.createdDevice, &r.createdAt, &r.updatedAt, &state)
	if errors.Is(err, sql.ErrNoRows) {
		return r, nil
	}
	if err != nil {
		return r, err
	}
	r.exists = true
	if err := json.Unmarshal([]byte(state), r.state); err != nil {
		return r, err
	}
	if r.state.Fields == nil {
		r.state.Fields = map[string]syncproto.FieldState{}
	}
	return r, nil
}

// saveRecord writes a record at its new server position.
func (db *DB) saveRecord(tx *wtx, collection, id string, r *storedRecord, pos int64) error {
	state, err := json.Marshal(r.state)
	if err != nil {
		return err
	}
	doc := ""
	if !r.state.Deleted {
		doc = renderDoc(r)
	}
	if r.exists {
		_, err = tx.Exec(`UPDATE records SET seq = ?, deleted = ?, hlc = ?, updated_at = ?, doc = ?, state = ? WHERE seq = ?`,
			pos, r.state.Deleted, r.state.HighestHLC(), r.updatedAt, doc, string(state), r.seq)
	} else {
		_, err = tx.Exec(`INSERT INTO records (seq, collection, id, team_id, deleted, hlc, created_by, created_device, created_at, updated_at, doc, state)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			pos, collection, id, r.team, r.state.Deleted, r.state.HighestHLC(), r.createdBy, r.createdDevice, r.createdAt, r.updatedAt, doc, string(state))
	}
	if err != nil {
		return err
	}
	r.exists, r.seq = true, pos
	if collection == mediaCollection {
		return db.indexMedia(tx, id, r)
	}
	return nil
}

// renderDoc builds the pulled form of a live record: every field's value
// plus the server-owned team_id, created_by, created_at and updated_at,
// keys sorted.
func renderDoc(r *storedRecord) string {
	vals := make(map[string]json.RawMessage, len(r.state.Fields)+4)
	for k, f := range r.state.Fields {
		vals[k] = f.Value
	}
	for k, v := range map[string]string{"team_id": r.team, "created_by": r.createdBy, "created_at": r.createdAt, "updated_at": r.updatedAt} {
		b, _ := json.Marshal(v)
		vals[k] = b
	}
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var sb strings.Builder
	sb.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			sb.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		sb.Write(kb)
		sb.WriteByte(':')
		sb.Write(vals[k])
	}
	sb.WriteByte('}')
	return sb.String()
}

// querier is what both *sql.DB and *sql.Tx offer for single-row reads.
type querier interface {
	QueryRow(query string, args ...any) *sql.Row
}
