package syncproto

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// AppendJSON appends the JSON encoding of the pull response to b. It
// writes the same bytes as encoding/json for compact Fields, without
// re-validating each record's fields (a pull of a thousand records is
// mostly those bytes); Fields must be valid, compact JSON.
func (r *PullResponse) AppendJSON(b []byte) []byte {
	b = append(b, `{"cursor":`...)
	b = AppendString(b, r.Cursor)
	b = append(b, `,"has_more":`...)
	b = strconv.AppendBool(b, r.HasMore)
	b = append(b, `,"server_hlc":`...)
	b = AppendString(b, r.ServerHLC)
	b = append(b, `,"changes":[`...)
	for i := range r.Changes {
		if i > 0 {
			b = append(b, ',')
		}
		b = r.Changes[i].appendJSON(b)
	}
	return append(b, "]}"...)
}

func (c *RecordChange) appendJSON(b []byte) []byte {
	b = append(b, `{"collection":`...)
	b = AppendString(b, c.Collection)
	b = append(b, `,"id":`...)
	b = AppendString(b, c.ID)
	b = append(b, `,"deleted":`...)
	b = strconv.AppendBool(b, c.Deleted)
	if len(c.Fields) > 0 {
		b = append(b, `,"fields":`...)
		b = append(b, c.Fields...)
	}
	b = append(b, `,"hlc":`...)
	b = AppendString(b, c.HLC)
	return append(b, '}')
}

// AppendString appends s as a JSON string: plain ASCII directly, anything
// else through encoding/json.
func AppendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' || c >= utf8.RuneSelf {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
