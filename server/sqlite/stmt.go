package sqlite

import "database/sql"

// wtx is the writer's transaction. Exec, Query and QueryRow prepare each
// SQL text once per transaction, so that a group commit of thousands of
// changes parses its statements once rather than once per change.
type wtx struct {
	*sql.Tx
	local map[string]*sql.Stmt
}

func newWTx(tx *sql.Tx) *wtx { return &wtx{Tx: tx, local: map[string]*sql.Stmt{}} }

func (t *wtx) stmt(q string) (*sql.Stmt, error) {
	if s, ok := t.local[q]; ok {
		return s, nil
	}
	s, err := t.Tx.Prepare(q)
	if err != nil {
		return nil, err
	}
	t.local[q] = s
	return s, nil
}

// Exec runs a prepared statement in the transaction.
func (t *wtx) Exec(q string, args ...any) (sql.Result, error) {
	s, err := t.stmt(q)
	if err != nil {
		return nil, err
	}
	return s.Exec(args...)
}

// Query runs a prepared query in the transaction.
func (t *wtx) Query(q string, args ...any) (*sql.Rows, error) {
	s, err := t.stmt(q)
	if err != nil {
		return nil, err
	}
	return s.Query(args...)
}

// QueryRow runs a prepared single-row query in the transaction.
func (t *wtx) QueryRow(q string, args ...any) *sql.Row {
	s, err := t.stmt(q)
	if err != nil {
		return t.Tx.QueryRow(q, args...)
	}
	return s.QueryRow(args...)
}
