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
//	{"v":2,"s":[{"h":…,"d":…,"u":…,"a":…,"p":…}],"f":{"lat":0,"lon":0},
//	 "del":true,"ds":1,"dl":{"<device>":{"<hlc>":["lat","lon"]}}}
//
// A record written by one change (the common case) then costs one stamp
// instead of one per field and per device. States written before this
// form (syncproto.Record as JSON, values included) are still read.
const stateV2Prefix = `{"v":2,`

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
}

// encodeState appends the stored form of r to b. When a field's name is
// one the document reserves for the server, its value could not be told
// apart there, so the whole state is written in the form with values.
func encodeState(b []byte, r *syncproto.Record) ([]byte, error) {
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
	ds := -1
	if r.DeletedStamp != (syncproto.Stamp{}) {
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
	if ds >= 0 {
		b = append(b, `,"ds":`...)
		b = strconv.AppendInt(b, int64(ds), 10)
	}
	if len(r.DeviceLast) > 0 {
		b = appendDeviceLast(append(b, `,"dl":`...), r.DeviceLast)
	}
	return append(b, '}'), nil
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
// (the record's pulled document) for the form without values.
func decodeState(state, doc string, r *syncproto.Record) error {
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
	var values map[string]json.RawMessage
	if len(d.Fields) > 0 {
		if err := json.Unmarshal([]byte(doc), &values); err != nil {
			return err
		}
	}
	r.Fields = make(map[string]syncproto.FieldState, len(d.Fields))
	for name, i := range d.Fields {
		v, ok := values[name]
		if !ok || i < 0 || i >= len(d.Stamps) {
			return errCorruptState
		}
		r.Fields[name] = syncproto.FieldState{Value: v, Stamp: d.Stamps[i]}
	}
	r.Deleted = d.Deleted
	r.DeletedStamp = syncproto.Stamp{}
	if d.DelIdx != nil {
		if *d.DelIdx < 0 || *d.DelIdx >= len(d.Stamps) {
			return errCorruptState
		}
		r.DeletedStamp = d.Stamps[*d.DelIdx]
	}
	r.DeviceLast = nil
	if len(d.Last) > 0 {
		r.DeviceLast = make(map[string]map[string]string, len(d.Last))
		for dev, byHLC := range d.Last {
			fields := map[string]string{}
			for h, names := range byHLC {
				for _, f := range names {
					fields[f] = h
				}
			}
			r.DeviceLast[dev] = fields
		}
	}
	return nil
}
