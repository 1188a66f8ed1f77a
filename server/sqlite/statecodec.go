package sqlite

import (
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"

	"urcsync/syncproto"
)

// The merge state of a record is stored next to its pulled document, and
// the document already holds every field's value. So the state keeps
// only the stamps, each distinct stamp once, and each field names the
// stamp it won with:
//
//	{"v":2,"s":[{"h":…,"d":…,"u":…,"a":…,"p":…}],"f":{"lat":-1,"notes":0},
//	 "del":true,"ds":0,"dl":{"<device>":{"<hlc>":["lat","lon"]}}}
//
// Stamp -1 is the row's own stamp, made of its columns (hlc, created_device,
// created_by, updated_at, seq): the one stamp of a record written by one
// change, the common case. A device's last stamp per field ("dl") is
// left out where it is the stamp the field won with; "dlx" says it was
// written out in full instead. States written before this form
// (syncproto.Record as JSON, values included) are still read.
const stateV2Prefix = `{"v":2,`

// rowStampIndex is the stamp index of the row's own stamp.
const rowStampIndex = -1

// serverOwned are the document keys the server adds to a record's fields.
var serverOwned = [...]string{"team_id", "created_by", "created_at", "updated_at"}

// diskState is the stored form of a syncproto.Record without its values.
type diskState struct {
	V       int                            `json:"v"`
	Stamps  []syncproto.Stamp              `json:"s"`
	Fields  map[string]int                 `json:"f"`
	Deleted bool                           `json:"del"`
	DelIdx  *int                           `json:"ds"`
	Last    map[string]map[string][]string `json:"dl"`
	Full    bool                           `json:"dlx"`
}

// rowStamp is the stamp a record's columns spell: its highest stamp, by
// its creating device and user, applied when it was last updated, at its
// position.
func rowStamp(r *storedRecord, hlc string, pos int64) syncproto.Stamp {
	return syncproto.Stamp{HLC: hlc, Device: r.createdDevice, User: r.createdBy, At: r.updatedAt, Pos: pos}
}

// encodeState appends the stored form of r's state to b; row is the
// stamp its row's columns give. When a field's name is one the document
// reserves for the server, its value could not be told apart there, so
// the whole state is written in the form with values.
func encodeState(b []byte, r *syncproto.Record, row syncproto.Stamp) ([]byte, error) {
	names := make([]string, 0, len(r.Fields))
	for name := range r.Fields {
		if slices.Contains(serverOwned[:], name) {
			full, err := json.Marshal(r)
			return append(b, full...), err
		}
		names = append(names, name)
	}
	slices.Sort(names)

	var stamps []syncproto.Stamp
	index := func(s syncproto.Stamp) int {
		if s == row {
			return rowStampIndex
		}
		for i := range stamps {
			if stamps[i] == s {
				return i
			}
		}
		stamps = append(stamps, s)
		return len(stamps) - 1
	}
	idx := make([]int, len(names))
	for i, name := range names {
		idx[i] = index(r.Fields[name].Stamp)
	}
	ds, hasDS := 0, r.DeletedStamp != (syncproto.Stamp{})
	if hasDS {
		ds = index(r.DeletedStamp)
	}

	b = append(b, stateV2Prefix...)
	b = append(b, `"s":[`...)
	for i, s := range stamps {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendStamp(b, s)
	}
	b = append(b, `],"f":{`...)
	for i, name := range names {
		if i > 0 {
			b = append(b, ',')
		}
		b = syncproto.AppendString(b, name)
		b = append(b, ':')
		b = strconv.AppendInt(b, int64(idx[i]), 10)
	}
	b = append(b, '}')
	if r.Deleted {
		b = append(b, `,"del":true`...)
	}
	if hasDS {
		b = append(b, `,"ds":`...)
		b = strconv.AppendInt(b, int64(ds), 10)
	}
	extra, full := lastBeyondWinners(r)
	if len(extra) > 0 {
		b = appendDeviceLast(append(b, `,"dl":`...), extra)
	}
	if full {
		b = append(b, `,"dlx":true`...)
	}
	return append(b, '}'), nil
}

// winnersLast is the device-last map the winning stamps imply: each
// device's write that won a field (or the deleted flag) is that device's
// last write to it.
func winnersLast(r *syncproto.Record) map[string]map[string]string {
	dl := map[string]map[string]string{}
	add := func(field string, s syncproto.Stamp) {
		if s.Device == syncproto.ServerNode || s.Device == "" {
			return
		}
		if dl[s.Device] == nil {
			dl[s.Device] = map[string]string{}
		}
		dl[s.Device][field] = s.HLC
	}
	for name, f := range r.Fields {
		add(name, f.Stamp)
	}
	if r.DeletedStamp != (syncproto.Stamp{}) {
		add(syncproto.DeletedField, r.DeletedStamp)
	}
	return dl
}

// onlyWinnersLast reports whether r's device-last map is exactly the one
// its winning stamps imply (winnersLast), the usual case, without
// building that map.
func onlyWinnersLast(r *syncproto.Record) bool {
	n := 0
	holds := func(field string, s syncproto.Stamp) bool {
		if s.Device == syncproto.ServerNode || s.Device == "" {
			return true
		}
		n++
		h, ok := r.DeviceLast[s.Device][field]
		return ok && h == s.HLC
	}
	for name, f := range r.Fields {
		if !holds(name, f.Stamp) {
			return false
		}
	}
	if r.DeletedStamp != (syncproto.Stamp{}) && !holds(syncproto.DeletedField, r.DeletedStamp) {
		return false
	}
	for _, fields := range r.DeviceLast {
		n -= len(fields)
	}
	return n == 0
}

// lastBeyondWinners returns the device-last entries the winning stamps do
// not imply. When the winners imply an entry the record lacks, all of
// them are returned and full is true.
func lastBeyondWinners(r *syncproto.Record) (extra map[string]map[string]string, full bool) {
	if onlyWinnersLast(r) {
		return nil, false
	}
	implied := winnersLast(r)
	for dev, fields := range implied {
		for f := range fields {
			if _, ok := r.DeviceLast[dev][f]; !ok {
				return r.DeviceLast, true
			}
		}
	}
	extra = map[string]map[string]string{}
	for dev, fields := range r.DeviceLast {
		for f, h := range fields {
			if implied[dev][f] == h {
				continue
			}
			if extra[dev] == nil {
				extra[dev] = map[string]string{}
			}
			extra[dev][f] = h
		}
	}
	return extra, false
}

func appendStamp(b []byte, s syncproto.Stamp) []byte {
	b = append(b, `{"h":`...)
	b = syncproto.AppendString(b, s.HLC)
	b = append(b, `,"d":`...)
	b = syncproto.AppendString(b, s.Device)
	if s.User != "" {
		b = append(b, `,"u":`...)
		b = syncproto.AppendString(b, s.User)
	}
	b = append(b, `,"a":`...)
	b = syncproto.AppendString(b, s.At)
	b = append(b, `,"p":`...)
	b = strconv.AppendInt(b, s.Pos, 10)
	return append(b, '}')
}

// appendDeviceLast writes device → field → stamp grouped by stamp:
// device → stamp → fields, since one device's last writes to a record
// mostly share a stamp.
func appendDeviceLast(b []byte, dl map[string]map[string]string) []byte {
	devices := sortedKeys(dl)
	b = append(b, '{')
	var pairs [][2]string // (stamp, field), sorted
	for i, dev := range devices {
		if i > 0 {
			b = append(b, ',')
		}
		b = syncproto.AppendString(b, dev)
		b = append(b, ':', '{')
		pairs = pairs[:0]
		for field, h := range dl[dev] {
			pairs = append(pairs, [2]string{h, field})
		}
		slices.SortFunc(pairs, func(x, y [2]string) int {
			if c := strings.Compare(x[0], y[0]); c != 0 {
				return c
			}
			return strings.Compare(x[1], y[1])
		})
		for j, p := range pairs {
			switch {
			case j == 0:
			case p[0] == pairs[j-1][0]:
				b = append(b, ',')
				b = syncproto.AppendString(b, p[1])
				continue
			default:
				b = append(b, ']', ',')
			}
			b = syncproto.AppendString(b, p[0])
			b = append(b, ':', '[')
			b = syncproto.AppendString(b, p[1])
		}
		if len(pairs) > 0 {
			b = append(b, ']')
		}
		b = append(b, '}')
	}
	return append(b, '}')
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// errCorruptState reports a stored state that does not match its document.
var errCorruptState = errors.New("sqlite: stored merge state does not match the record's document")

// decodeState reads a stored state into r, taking field values from doc
// (the record's pulled document) and the row's own stamp from row.
func decodeState(state, doc string, row syncproto.Stamp, r *syncproto.Record) error {
	if !strings.HasPrefix(state, stateV2Prefix) {
		if err := json.Unmarshal([]byte(state), r); err != nil {
			return err
		}
		if r.Fields == nil {
			r.Fields = map[string]syncproto.FieldState{}
		}
		return nil
	}
	var d diskState
	if err := json.Unmarshal([]byte(state), &d); err != nil {
		return err
	}
	stamp := func(i int) (syncproto.Stamp, error) {
		switch {
		case i == rowStampIndex:
			return row, nil
		case i < 0 || i >= len(d.Stamps):
			return syncproto.Stamp{}, errCorruptState
		}
		return d.Stamps[i], nil
	}
	var values map[string]json.RawMessage
	if len(d.Fields) > 0 {
		if err := json.Unmarshal([]byte(doc), &values); err != nil {
			return err
		}
	}
	r.Fields = make(map[string]syncproto.FieldState, len(d.Fields))
	for name, i := range d.Fields {
		v, ok := values[name]
		s, err := stamp(i)
		if !ok || err != nil {
			return errCorruptState
		}
		r.Fields[name] = syncproto.FieldState{Value: v, Stamp: s}
	}
	r.Deleted = d.Deleted
	r.DeletedStamp = syncproto.Stamp{}
	if d.DelIdx != nil {
		s, err := stamp(*d.DelIdx)
		if err != nil {
			return err
		}
		r.DeletedStamp = s
	}
	r.DeviceLast = nil
	if !d.Full {
		r.DeviceLast = winnersLast(r)
	}
	for dev, byHLC := range d.Last {
		if r.DeviceLast == nil {
			r.DeviceLast = map[string]map[string]string{}
		}
		if r.DeviceLast[dev] == nil {
			r.DeviceLast[dev] = map[string]string{}
		}
		for h, names := range byHLC {
			for _, f := range names {
				r.DeviceLast[dev][f] = h
			}
		}
	}
	if len(r.DeviceLast) == 0 {
		r.DeviceLast = nil
	}
	return nil
}
