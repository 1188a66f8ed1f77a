package model

import (
	"encoding/json"
	"sort"
)

// ServerDevice is the device id of writes made by the server itself.
const ServerDevice = "00000000-0000-0000-0000-000000000000"

// deletedKey is the pseudo-field under which the device-order rule
// remembers a device's deletes.
const deletedKey = "_deleted"

// Write kinds.
const (
	Upsert  = "upsert"
	Delete  = "delete"
	Restore = "restore"
)

// Conflict kinds and statuses.
const (
	ConcurrentEdit = "concurrent_edit"
	EditOnDeleted  = "edit_on_deleted"
	DeleteOverEdit = "delete_over_edit"

	Open       = "open"
	Superseded = "superseded"
	Resolved   = "resolved"
)

// Stamp says who wrote a value and where it landed.
type Stamp struct {
	HLC    string `json:"hlc"`
	Device string `json:"device"`
	Pos    int64  `json:"pos"`
}

// Value is a field's value (canonical JSON) with the stamp of its write.
type Value struct {
	JSON string `json:"value"`
	Stamp
}

// Write is one applied change.
type Write struct {
	// OpID is the phone's op_id; empty for server writes.
	OpID       string
	Collection string
	ID         string
	// Kind is Upsert, Delete or Restore.
	Kind string
	// Fields maps field names to canonical JSON values (upserts).
	Fields map[string]string
	// SentHLC is the stamp as the phone sent it; HLC the one the server
	// applied it with (a re-stamp, or SentHLC).
	SentHLC, HLC string
	Device       string
	// Base is the last position the writer had seen; Pos the write's own.
	Base, Pos int64
}

// Conflict is a conflict the model predicts.
type Conflict struct {
	// N numbers conflicts in the order they arose.
	N          int    `json:"n"`
	Collection string `json:"collection"`
	RecordID   string `json:"record_id"`
	// Field is empty for record-level conflicts.
	Field   string `json:"field,omitempty"`
	Kind    string `json:"kind"`
	Current Value  `json:"current"`
	Other   Value  `json:"other"`
	Status  string `json:"status"`
	// OpID is the change whose arrival raised the conflict.
	OpID string `json:"op_id"`
}

// Outcome is what applying one write did.
type Outcome struct {
	// Superseded lists the written fields that did not win.
	Superseded []string
	// Conflicts lists the conflicts the write took part in.
	Conflicts []*Conflict
	// OrderViolated reports a sent stamp not above the same device's
	// previous applied write to a field it writes (the device-order rule).
	OrderViolated bool
}

// record is the model's state of one record.
type record struct {
	fields   map[string]Value
	deleted  bool
	delStamp Stamp
	// devLast maps device → field → highest stamp applied from it.
	devLast map[string]map[string]string
}

// Key names a record.
type Key struct{ Collection, ID string }

// Model is the replayed state of every record.
type Model struct {
	records   map[Key]*record
	conflicts []*Conflict
	// open indexes open conflicts by record and field.
	open map[conflictKey][]*Conflict
}

type conflictKey struct {
	Key
	Field string
}

// New returns an empty model.
func New() *Model {
	return &Model{records: map[Key]*record{}, open: map[conflictKey][]*Conflict{}}
}

func (m *Model) rec(k Key) *record {
	r := m.records[k]
	if r == nil {
		r = &record{fields: map[string]Value{}, devLast: map[string]map[string]string{}}
		m.records[k] = r
	}
	return r
}

// Apply merges w into its record and returns what happened.
func (m *Model) Apply(w Write) Outcome {
	k := Key{w.Collection, w.ID}
	r := m.rec(k)
	var out Outcome
	out.OrderViolated = r.orderViolated(w)
	st := Stamp{HLC: w.HLC, Device: w.Device, Pos: w.Pos}
	var found []*Conflict
	switch w.Kind {
	case Upsert:
		if r.deleted && concurrent(w, r.delStamp) {
			found = append(found, &Conflict{Kind: EditOnDeleted,
				Current: Value{JSON: "null", Stamp: r.delStamp},
				Other:   Value{JSON: objectJSON(w.Fields), Stamp: st}})
		}
		for _, f := range sortedKeys(w.Fields) {
			v := w.Fields[f]
			cur, ok := r.fields[f]
			wins := !ok || beats(w.HLC, v, cur)
			if ok && concurrent(w, cur.Stamp) && v != cur.JSON {
				mine, theirs := Value{JSON: v, Stamp: st}, cur
				c := &Conflict{Kind: ConcurrentEdit, Field: f, Current: theirs, Other: mine}
				if wins {
					c.Current, c.Other = mine, theirs
				}
				found = append(found, c)
			}
			if wins {
				r.fields[f] = Value{JSON: v, Stamp: st}
			} else {
				out.Superseded = append(out.Superseded, f)
			}
		}
	case Delete:
		if !r.deleted {
			if other, ok := r.concurrentEdits(w); ok {
				found = append(found, &Conflict{Kind: DeleteOverEdit,
					Current: Value{JSON: "null", Stamp: st}, Other: other})
			}
		}
		if w.HLC > r.delStamp.HLC {
			r.deleted, r.delStamp = true, st
		}
	case Restore:
		if w.HLC > r.delStamp.HLC {
			r.deleted, r.delStamp = false, st
		}
	}
	r.remember(w)
	for _, c := range found {
		c.Collection, c.RecordID, c.OpID, c.Status = w.Collection, w.ID, w.OpID, Open
		c.N = len(m.conflicts) + 1
		ck := conflictKey{k, c.Field}
		for _, old := range m.open[ck] {
			if old.Status == Open {
				old.Status = Superseded
			}
		}
		m.open[ck] = []*Conflict{c}
		m.conflicts = append(m.conflicts, c)
	}
	out.Conflicts = found
	return out
}

// concurrent reports whether w was made without seeing the write s.
func concurrent(w Write, s Stamp) bool {
	return s.Device != "" && s.Device != w.Device && w.Base < s.Pos
}

// beats reports whether a write (hlc, value) wins over the current value:
// the higher stamp, and on equal stamps the greater JSON text.
func beats(hlc, value string, cur Value) bool {
	if hlc != cur.HLC {
		return hlc > cur.HLC
	}
	return value > cur.JSON
}

// concurrentEdits collects the values other phones wrote without the
// deleting device having seen them.
func (r *record) concurrentEdits(w Write) (Value, bool) {
	vals := map[string]string{}
	var latest Stamp
	for name, f := range r.fields {
		if f.Device == ServerDevice || !concurrent(w, f.Stamp) {
			continue
		}
		vals[name] = f.JSON
		if f.Pos > latest.Pos {
			latest = f.Stamp
		}
	}
	if len(vals) == 0 {
		return Value{}, false
	}
	return Value{JSON: objectJSON(vals), Stamp: latest}, true
}

// touched lists the (pseudo-)fields a write writes.
func touched(w Write) []string {
	if w.Kind != Upsert {
		return []string{deletedKey}
	}
	return sortedKeys(w.Fields)
}

func (r *record) orderViolated(w Write) bool {
	last := r.devLast[w.Device]
	for _, f := range touched(w) {
		if prev, ok := last[f]; ok && w.SentHLC <= prev {
			return true
		}
	}
	return false
}

func (r *record) remember(w Write) {
	if w.Device == ServerDevice || w.Device == "" {
		return
	}
	last := r.devLast[w.Device]
	if last == nil {
		last = map[string]string{}
		r.devLast[w.Device] = last
	}
	for _, f := range touched(w) {
		if w.HLC > last[f] {
			last[f] = w.HLC
		}
	}
}

// objectJSON renders canonical field values as one canonical object.
func objectJSON(fields map[string]string) string {
	obj := make(map[string]json.RawMessage, len(fields))
	for k, v := range fields {
		obj[k] = json.RawMessage(v)
	}
	b, err := json.Marshal(obj)
	if err != nil {
		return "null"
	}
	return string(b)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
