package syncproto

import (
	"bytes"
	"encoding/json"
	"sort"
)

// DeletedField is the pseudo-field under which a device's writes of the
// deleted flag are remembered for the device-order rule.
const DeletedField = "_deleted"

// Stamp says who wrote a value, when and where it landed on the server.
type Stamp struct {
	// HLC is the stamp the value was applied with.
	HLC string `json:"h"`
	// Device is the writing device's id (ServerNode for server writes).
	Device string `json:"d"`
	// User is the writing user's id (empty for the server).
	User string `json:"u,omitempty"`
	// At is the server time the write was applied (RFC 3339, UTC, ms).
	At string `json:"a"`
	// Pos is the server position of the change that carried the write.
	Pos int64 `json:"p"`
}

// FieldState is the winning value of one field and its stamp.
type FieldState struct {
	Value json.RawMessage `json:"v"`
	Stamp
}

// Record is the merge state of one record: every field's winning write,
// the deleted flag with its own stamp, and the highest stamp each device
// has applied per field (for the device-order rule).
type Record struct {
	Fields  map[string]FieldState `json:"f"`
	Deleted bool                  `json:"del,omitempty"`
	// DeletedStamp is the stamp of the last applied delete or restore.
	DeletedStamp Stamp `json:"ds"`
	// DeviceLast maps device → field → highest stamp applied from it.
	DeviceLast map[string]map[string]string `json:"dl,omitempty"`
}

// Write is one change as the merge sees it, after validation and any
// re-stamping.
type Write struct {
	// Kind is KindUpsert, KindDelete or KindRestore.
	Kind string
	// Fields are canonical JSON values (upserts only).
	Fields map[string]json.RawMessage
	Stamp
	// BaseSeq is the server position the writer had seen (from base_cursor).
	BaseSeq int64
}

// KindRestore is the server's undelete; it exists only inside the server.
const KindRestore = "restore"

// Side is one side of a conflict.
type Side struct {
	Value json.RawMessage `json:"value"`
	Stamp
}

// ConflictFinding is a conflict detected while merging one write.
type ConflictFinding struct {
	Kind string
	// Field is empty for record-level conflicts.
	Field   string
	Current Side
	Other   Side
}

// Outcome is what merging one write did.
type Outcome struct {
	// Superseded lists the fields of the write that did not win.
	Superseded []string
	// Conflicts lists the conflicts the write took part in.
	Conflicts []ConflictFinding
}

// NewRecord returns the empty state of a record never seen before.
func NewRecord() *Record {
	return &Record{Fields: map[string]FieldState{}}
}

// Wins reports whether a write (hlc, value) beats the current one. Higher
// stamps win; on equal stamps the greater JSON text wins, so that the
// result never depends on arrival order.
func Wins(hlc string, value json.RawMessage, cur FieldState) bool {
	if hlc != cur.HLC {
		return hlc > cur.HLC
	}
	return bytes.Compare(value, cur.Value) > 0
}

// DeviceOrderViolated reports whether w's stamp is not above the stamp of
// the same device's previous applied write to one of the fields it writes:
// the sign of a phone that lost its clock and its saved HLC.
func (r *Record) DeviceOrderViolated(w Write) bool {
	last := r.DeviceLast[w.Device]
	if last == nil {
		return false
	}
	for _, f := range w.touched() {
		if prev, ok := last[f]; ok && w.HLC <= prev {
			return true
		}
	}
	return false
}

// touched lists the (pseudo-)fields a write writes.
func (w Write) touched() []string {
	if w.Kind != KindUpsert {
		return []string{DeletedField}
	}
	fs := make([]string, 0, len(w.Fields))
	for f := range w.Fields {
		fs = append(fs, f)
	}
	sort.Strings(fs)
	return fs
}

// concurrentWith reports whether w was made without seeing the write s:
// another device, and a base position before s landed.
func (w Write) concurrentWith(s Stamp) bool {
	return s.Device != w.Device && w.BaseSeq < s.Pos
}

// HighestHLC returns the highest stamp in the record.
func (r *Record) HighestHLC() string {
	h := r.DeletedStamp.HLC
	for _, f := range r.Fields {
		if f.HLC > h {
			h = f.HLC
		}
	}
	return h
}

// Apply merges w into r by the rules of protocol §3 and reports which
// fields lost and which conflicts arose. Field values follow
// last-writer-wins by stamp; the deleted flag is last-writer-wins between
// deletes and restores; upserts never undelete.
func (r *Record) Apply(w Write) Outcome {
	if r.Fields == nil {
		r.Fields = map[string]FieldState{}
	}
	var out Outcome
	switch w.Kind {
	case KindUpsert:
		out = r.applyUpsert(w)
	case KindDelete:
		out = r.applyDelete(w)
	case KindRestore:
		if w.HLC > r.DeletedStamp.HLC {
			r.Deleted = false
			r.DeletedStamp = w.Stamp
		}
	}
	r.rememberDevice(w)
	return out
}

func (r *Record) applyUpsert(w Write) Outcome {
	var out Outcome
	if len(r.Fields) == 0 && !r.Deleted {
		// Nothing to lose to or conflict with: every field is taken, and
		// the order they are taken in cannot show.
		for f, v := range w.Fields {
			r.Fields[f] = FieldState{Value: v, Stamp: w.Stamp}
		}
		return out
	}
	if r.Deleted && w.concurrentWith(r.DeletedStamp) {
		other, _ := json.Marshal(w.Fields)
		out.Conflicts = append(out.Conflicts, ConflictFinding{
			Kind:    ConflictEditOnDeleted,
			Current: Side{Value: json.RawMessage("null"), Stamp: r.DeletedStamp},
			Other:   Side{Value: other, Stamp: w.Stamp},
		})
	}
	for _, f := range w.touched() {
		v := w.Fields[f]
		cur, exists := r.Fields[f]
		wins := !exists || Wins(w.HLC, v, cur)
		if exists && w.concurrentWith(cur.Stamp) && !bytes.Equal(v, cur.Value) {
			mine := Side{Value: v, Stamp: w.Stamp}
			theirs := Side{Value: cur.Value, Stamp: cur.Stamp}
			c := ConflictFinding{Kind: ConflictConcurrentEdit, Field: f, Current: theirs, Other: mine}
			if wins {
				c.Current, c.Other = mine, theirs
			}
			out.Conflicts = append(out.Conflicts, c)
		}
		if wins {
			r.Fields[f] = FieldState{Value: v, Stamp: w.Stamp}
		} else {
			out.Superseded = append(out.Superseded, f)
		}
	}
	return out
}

func (r *Record) applyDelete(w Write) Outcome {
	var out Outcome
	if !r.Deleted {
		if edit, ok := r.concurrentEdit(w); ok {
			out.Conflicts = append(out.Conflicts, ConflictFinding{
				Kind:    ConflictDeleteOverEdit,
				Current: Side{Value: json.RawMessage("null"), Stamp: w.Stamp},
				Other:   edit,
			})
		}
	}
	// On equal stamps a delete beats a restore, whatever the order.
	if w.HLC > r.DeletedStamp.HLC || (w.HLC == r.DeletedStamp.HLC && !r.Deleted) {
		r.Deleted = true
		r.DeletedStamp = w.Stamp
	}
	return out
}

// concurrentEdit collects the field values another device wrote without
// the deleting device having seen them; the latest such write names the
// other side.
func (r *Record) concurrentEdit(w Write) (Side, bool) {
	vals := map[string]json.RawMessage{}
	var latest Stamp
	for name, f := range r.Fields {
		if f.Device == ServerNode || !w.concurrentWith(f.Stamp) {
			continue
		}
		vals[name] = f.Value
		if f.Pos > latest.Pos {
			latest = f.Stamp
		}
	}
	if len(vals) == 0 {
		return Side{}, false
	}
	v, _ := json.Marshal(vals)
	return Side{Value: v, Stamp: latest}, true
}

func (r *Record) rememberDevice(w Write) {
	if w.Device == ServerNode || w.Device == "" {
		return
	}
	if r.DeviceLast == nil {
		r.DeviceLast = map[string]map[string]string{}
	}
	last := r.DeviceLast[w.Device]
	if last == nil {
		last = make(map[string]string, len(w.Fields)+1)
		r.DeviceLast[w.Device] = last
	}
	if w.Kind != KindUpsert {
		if w.HLC > last[DeletedField] {
			last[DeletedField] = w.HLC
		}
		return
	}
	for f := range w.Fields { // the order does not matter here
		if w.HLC > last[f] {
			last[f] = w.HLC
		}
	}
}
