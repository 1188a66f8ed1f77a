package sqlite

import (
	"database/sql"
	"errors"
	"slices"

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

// recordColumns are the columns loadRecord and loadRecords read, in the
// order scanRecord expects.
const recordColumns = `seq, team_id, created_by, created_device, created_at, updated_at, hlc, doc, state`

// scanRecord reads one row of recordColumns.
func scanRecord(s scanner, r *storedRecord) error {
	var hlc, doc, state string
	if err := s.Scan(&r.seq, &r.team, &r.createdBy, &r.createdDevice, &r.createdAt, &r.updatedAt, &hlc, &doc, &state); err != nil {
		return err
	}
	r.exists = true
	return decodeState(state, doc, rowStamp(r, hlc, r.seq), r.state)
}

// loadRecord reads a record and its merge state; a record never seen
// comes back with exists=false and an empty state.
func loadRecord(q querier, collection, id string) (storedRecord, error) {
	r := storedRecord{state: syncproto.NewRecord()}
	err := scanRecord(q.QueryRow(`SELECT `+recordColumns+` FROM records WHERE collection = ? AND id = ?`, collection, id), &r)
	if errors.Is(err, sql.ErrNoRows) {
		return storedRecord{state: syncproto.NewRecord()}, nil
	}
	return r, err
}

// saveRecord writes a record at its new server position. The document
// is written for deleted records too: it holds the values a restore
// brings back, and a pull leaves it out.
func (db *DB) saveRecord(tx *wtx, collection, id string, r *storedRecord, pos int64) error {
	hlc := r.state.HighestHLC()
	state, err := encodeState(nil, r.state, rowStamp(r, hlc, pos))
	if err != nil {
		return err
	}
	doc := renderDoc(r)
	if r.exists {
		_, err = tx.Exec(`UPDATE records SET seq = ?, deleted = ?, hlc = ?, updated_at = ?, doc = ?, state = ? WHERE seq = ?`,
			pos, r.state.Deleted, hlc, r.updatedAt, doc, state, r.seq)
	} else {
		_, err = insertRecord(tx, collection, id, r, pos, hlc, doc, state, false)
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

// insertRecord writes a new record row. With ignoreExisting, a record
// already there is left as it is and reported by inserted=false.
func insertRecord(tx *wtx, collection, id string, r *storedRecord, pos int64, hlc, doc string, state []byte, ignoreExisting bool) (inserted bool, err error) {
	q := insertRecordSQL
	if ignoreExisting {
		q += ` ON CONFLICT (collection, id) DO NOTHING`
	}
	res, err := tx.Exec(q, pos, collection, id, r.team, r.state.Deleted, hlc, r.createdBy, r.createdDevice, r.createdAt, r.updatedAt, doc, state)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

const insertRecordSQL = `INSERT INTO records (seq, collection, id, team_id, deleted, hlc, created_by, created_device, created_at, updated_at, doc, state)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// renderDoc builds the pulled form of a record: every field's value plus
// the server-owned team_id, created_by, created_at and updated_at, keys
// sorted. A field named like a server-owned key is shadowed by it.
func renderDoc(r *storedRecord) string {
	server := [len(serverOwned)]string{r.team, r.createdBy, r.createdAt, r.updatedAt}
	keys := make([]string, 0, len(r.state.Fields)+len(serverOwned))
	size := 2
	for k, f := range r.state.Fields {
		if !slices.Contains(serverOwned[:], k) {
			keys = append(keys, k)
			size += len(k) + len(f.Value) + 4
		}
	}
	keys = append(keys, serverOwned[:]...)
	slices.Sort(keys)
	b := make([]byte, 0, size+128)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = syncproto.AppendString(b, k)
		b = append(b, ':')
		if j := slices.Index(serverOwned[:], k); j >= 0 {
			b = syncproto.AppendString(b, server[j])
		} else {
			b = append(b, r.state.Fields[k].Value...)
		}
	}
	b = append(b, '}')
	return string(b)
}

// querier is what both *sql.DB and *sql.Tx offer for single-row reads.
type querier interface {
	QueryRow(query string, args ...any) *sql.Row
}
