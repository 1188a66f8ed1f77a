package sqlite

import (
	"database/sql"
	"strings"
)

// maxInIDs is how many ids one IN (…) list carries.
const maxInIDs = 500

// queryIn runs a query ending in "IN (" for ids, maxInIDs at a time, with
// lead as the arguments before the ids, and calls scan on every row. The
// query texts vary with the chunk's length, so they are not kept prepared.
func queryIn(tx *wtx, prefix string, lead, ids []any, scan func(*sql.Rows) error) error {
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), maxInIDs)]
		ids = ids[len(chunk):]
		q := prefix + "?" + strings.Repeat(",?", len(chunk)-1) + ")"
		rows, err := tx.Tx.Query(q, append(append([]any{}, lead...), chunk...)...)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := scan(rows); err != nil {
				rows.Close()
				return err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}
