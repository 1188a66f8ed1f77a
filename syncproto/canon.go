package syncproto

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Canonical returns the canonical JSON text of a value: no insignificant
// whitespace, object keys sorted, numbers in shortest form. Two values are
// equal under the merge rules exactly when their canonical texts are.
func Canonical(v json.RawMessage) (json.RawMessage, error) {
	if c, ok := canonicalScalar(v); ok {
		return c, nil
	}
	d := json.NewDecoder(bytes.NewReader(v))
	var x any
	if err := d.Decode(&x); err != nil {
		return nil, err
	}
	if d.More() {
		return nil, &json.SyntaxError{Offset: d.InputOffset()}
	}
	return json.Marshal(x)
}

// CanonicalObject returns the canonical text of the object whose members
// are fields: the same bytes as Canonical of that object, built member
// by member.
func CanonicalObject(fields map[string]json.RawMessage) (json.RawMessage, error) {
	keys := make([]string, 0, len(fields))
	size := 2
	for k, v := range fields {
		keys = append(keys, k)
		size += len(k) + len(v) + 4
	}
	slices.Sort(keys)
	b := make([]byte, 0, size)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendString(b, k)
		b = append(b, ':')
		c, err := Canonical(fields[k])
		if err != nil {
			return nil, err
		}
		b = append(b, c...)
	}
	return append(b, '}'), nil
}

// canonicalScalar is the canonical text of the scalars whose form needs
// no general decoding: literals, plain ASCII strings, and numbers.
func canonicalScalar(v []byte) (json.RawMessage, bool) {
	if len(v) == 0 {
		return nil, false
	}
	switch c := v[0]; {
	case c == 't' || c == 'f' || c == 'n':
		s := string(v)
		return v, s == "true" || s == "false" || s == "null"
	case c == '"':
		if len(v) < 2 || v[len(v)-1] != '"' {
			return nil, false
		}
		for _, c := range v[1 : len(v)-1] {
			if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' || c >= utf8.RuneSelf {
				return nil, false
			}
		}
		return v, true
	case c == '-' || (c >= '0' && c <= '9'):
		for _, c := range v {
			if !(c >= '0' && c <= '9') && c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-' {
				return nil, false
			}
		}
		if !json.Valid(v) {
			return nil, false
		}
		f, err := strconv.ParseFloat(string(v), 64)
		if err != nil {
			return nil, false
		}
		return AppendNumber(nil, f)
	}
	return nil, false
}
