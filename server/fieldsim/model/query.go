package model

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Canonical renders a JSON value canonically: no insignificant space,
// object keys sorted, numbers in shortest form. Two values are equal under
// the merge rules exactly when their canonical texts are.
func Canonical(raw []byte) (string, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	var v any
	if err := d.Decode(&v); err != nil {
		return "", fmt.Errorf("canonical JSON: %w", err)
	}
	if d.More() {
		return "", fmt.Errorf("canonical JSON: trailing data")
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("canonical JSON: %w", err)
	}
	return string(b), nil
}

// State is the model's view of one record.
type State struct {
	// Fields holds every field ever written, with its winning value.
	Fields  map[string]Value
	Deleted bool
	// DeletedStamp is the stamp of the delete or restore that holds the
	// deleted flag (zero if neither happened).
	DeletedStamp Stamp
}

// Record returns the state of one record; ok is false if no write ever
// reached it.
func (m *Model) Record(collection, id string) (State, bool) {
	r := m.records[Key{collection, id}]
	if r == nil {
		return State{}, false
	}
	fields := make(map[string]Value, len(r.fields))
	for k, v := range r.fields {
		fields[k] = v
	}
	return State{Fields: fields, Deleted: r.deleted, DeletedStamp: r.delStamp}, true
}

// Keys lists every record the model knows.
func (m *Model) Keys() []Key {
	out := make([]Key, 0, len(m.records))
	for k := range m.records {
		out = append(out, k)
	}
	return out
}

// Conflicts returns every predicted conflict, in the order they arose.
func (m *Model) Conflicts() []*Conflict { return m.conflicts }

// Stale reports whether a resolution of c must be refused as stale: c is
// no longer open, or what it is about moved on (the field's holding
// stamp, or for a record-level conflict the deletion).
func (m *Model) Stale(c *Conflict) bool {
	if c.Status != Open {
		return true
	}
	r := m.records[Key{c.Collection, c.RecordID}]
	if r == nil {
		return true
	}
	if c.Field == "" {
		return !r.deleted || r.delStamp.HLC != c.Current.HLC
	}
	return r.fields[c.Field].HLC != c.Current.HLC
}

// MarkResolved records a successful resolution of c.
func (m *Model) MarkResolved(c *Conflict) { c.Status = Resolved }
