package sqlite

import (
	"database/sql"

	"urcsync/syncproto"
)

// pushRecords holds the records one push touches, read up front in one
// query per collection and kept current as the push writes them, so that
// a push of many changes does not read the table once per change.
type pushRecords map[string]*storedRecord

func recordKey(collection, id string) string { return collection + "/" + id }

// loadPushRecords reads the records a push's valid changes name, in
// chunks of maxInIDs ids; the ones not found are remembered as absent.
// Changes planned as creates read theirs only if they turn out not to be.
func loadPushRecords(tx *wtx, preps []prepared) (pushRecords, error) {
	recs := pushRecords{}
	ids := map[string][]any{}
	for i := range preps {
		pc := &preps[i]
		if pc.rej != nil || pc.fresh != nil {
			continue
		}
		key := recordKey(pc.ch.Collection, pc.ch.ID)
		if _, seen := recs[key]; !seen {
			recs[key] = &storedRecord{state: syncproto.NewRecord()}
			ids[pc.ch.Collection] = append(ids[pc.ch.Collection], pc.ch.ID)
		}
	}
	for collection, all := range ids {
		err := queryIn(tx, `SELECT id, `+recordColumns+` FROM records WHERE collection = ? AND id IN (`, []any{collection}, all, func(rows *sql.Rows) error {
			var id string
			r := &storedRecord{state: syncproto.NewRecord()}
			if err := scanRecord(prefixed{rows, &id}, r); err != nil {
				return err
			}
			recs[recordKey(collection, id)] = r
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return recs, nil
}

// prefixed scans a leading column into first before the columns the
// wrapped scanner's caller asks for.
type prefixed struct {
	s     scanner
	first any
}

func (p prefixed) Scan(dest ...any) error { return p.s.Scan(append([]any{p.first}, dest...)...) }

// record returns the push's copy of a record, reading it when the push
// did not load it (or forgot it after a write it cannot follow).
func (a *applier) record(collection, id string) (*storedRecord, error) {
	key := recordKey(collection, id)
	if r, ok := a.recs[key]; ok {
		return r, nil
	}
	r, err := loadRecord(a.tx, collection, id)
	if err != nil {
		return nil, err
	}
	a.recs[key] = &r
	return &r, nil
}
