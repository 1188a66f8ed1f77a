package syncproto

import (
	"encoding/json"
	"io"
	"strconv"
	"unicode/utf8"
)

// EncodedPull is a pull page whose records are already in their wire
// form: a server that reads them so appends them without decoding. Its
// AppendJSON writes the bytes encoding/json writes for the PullResponse
// it stands for.
type EncodedPull struct {
	Cursor    string
	HasMore   bool
	ServerHLC string
	// Changes is the JSON array of the page's records, each as
	// encoding/json writes a RecordChange; nil is an empty array.
	Changes json.RawMessage
	// Count is the number of records in Changes.
	Count int
}

// AppendJSON appends the page's JSON to b, position first (see
// PullResponse).
func (p *EncodedPull) AppendJSON(b []byte) []byte {
	b = append(p.AppendHead(b), p.changes()...)
	return append(b, '}')
}

// WriteJSON writes the page's JSON to w, as AppendJSON has it, without
// copying the records.
func (p *EncodedPull) WriteJSON(w io.Writer) error {
	if _, err := w.Write(p.AppendHead(nil)); err != nil {
		return err
	}
	return p.WriteRest(w)
}

// WriteRest writes what follows the head: the records and the end.
func (p *EncodedPull) WriteRest(w io.Writer) error {
	if _, err := w.Write(p.changes()); err != nil {
		return err
	}
	_, err := w.Write([]byte{'}'})
	return err
}

// AppendHead appends the start of the page's JSON, up to where its
// records begin: its position, which a server can send ahead of them.
func (p *EncodedPull) AppendHead(b []byte) []byte {
	b = append(b, `{"cursor":`...)
	b = AppendString(b, p.Cursor)
	b = append(b, `,"has_more":`...)
	b = strconv.AppendBool(b, p.HasMore)
	b = append(b, `,"server_hlc":`...)
	b = AppendString(b, p.ServerHLC)
	return append(b, `,"changes":`...)
}

func (p *EncodedPull) changes() []byte {
	if len(p.Changes) == 0 {
		return []byte("[]")
	}
	return p.Changes
}

// Decode returns the page as a PullResponse, as a phone reads it.
func (p *EncodedPull) Decode() (*PullResponse, error) {
	var r PullResponse
	if err := json.Unmarshal(p.AppendJSON(nil), &r); err != nil {
		return nil, err
	}
	return &r, nil
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
