package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"

	"urcsync/syncproto"
)

var jsonNull = json.RawMessage("null")

// CheckFields validates the fields of one upsert of collection. The check
// is partial: only the named fields are judged, in sorted name order, and
// the first problem is returned:
//   - a name that is not a field: unknown_field;
//   - a readOnly (server-owned) field: read_only_field;
//   - null: clears the field, except on a required field (invalid_field);
//   - a value not valid against the field's schema (type, enum, range,
//     format, pattern, length…): invalid_field.
//
// An unknown collection is unknown_collection. On success it returns every
// value in canonical JSON (syncproto.Canonical), with UUIDs lowercased and
// times in UTC with milliseconds.
func (r *Registry) CheckFields(collection string, fields map[string]json.RawMessage) (map[string]json.RawMessage, *FieldError) {
	c, ferr := r.collection(collection)
	if ferr != nil {
		return nil, ferr
	}
	return c.checkEach(fields, false)
}

// checkEach checks every named field in sorted order and returns the
// canonical values; server-owned fields are refused unless allowed.
func (c *collection) checkEach(fields map[string]json.RawMessage, serverOwnedAllowed bool) (map[string]json.RawMessage, *FieldError) {
	out := make(map[string]json.RawMessage, len(fields))
	for _, name := range sortedNames(fields) {
		f := c.fields[name]
		if f == nil {
			return nil, unknownField(name)
		}
		if f.readOnly && !serverOwnedAllowed {
			return nil, &FieldError{Code: syncproto.CodeReadOnlyField, Field: name,
				Message: fmt.Sprintf("%s is set by the server and cannot be written", name)}
		}
		v, ferr := f.check(fields[name])
		if ferr != nil {
			return nil, ferr
		}
		out[name] = v
	}
	return out, nil
}

// CheckRequired reports the first required field of collection (sorted by
// name) that fields lack or set to null: missing_field. It applies to the
// first upsert of an id, which creates the record.
func (r *Registry) CheckRequired(collection string, fields map[string]json.RawMessage) *FieldError {
	c, ferr := r.collection(collection)
	if ferr != nil {
		return ferr
	}
	for _, name := range c.required {
		raw, ok := fields[name]
		if !ok || isNull(raw) {
			return &FieldError{Code: syncproto.CodeMissingField, Field: name,
				Message: fmt.Sprintf("%s is required when a record is created", name)}
		}
	}
	return nil
}

// CheckRecord validates a whole record as the server emits it (a pulled
// record's fields): every name is a field, server-owned ones included;
// null is allowed except on required fields; every required field is
// present. It returns the values in canonical JSON, so that a caller can
// tell whether the record was emitted strictly.
func (r *Registry) CheckRecord(collection string, fields map[string]json.RawMessage) (map[string]json.RawMessage, *FieldError) {
	c, ferr := r.collection(collection)
	if ferr != nil {
		return nil, ferr
	}
	out, ferr := c.checkEach(fields, true)
	if ferr != nil {
		return nil, ferr
	}
	if ferr := r.CheckRequired(collection, fields); ferr != nil {
		return nil, ferr
	}
	return out, nil
}

// check validates one value of f and returns its canonical JSON.
func (f *field) check(raw json.RawMessage) (json.RawMessage, *FieldError) {
	raw = bytes.TrimSpace(raw)
	if isNull(raw) {
		if f.required {
			return nil, f.invalid("is required and cannot be null")
		}
		return jsonNull, nil
	}
	if f.num != nil {
		if out, ok := f.num.accept(raw); ok {
			return out, nil
		}
	}
	if f.str != nil {
		if out, ok := f.str.accept(raw, f.canon); ok {
			return out, nil
		}
	}
	return f.checkGeneral(raw)
}

// checkGeneral validates one non-null value of f with the schema
// validator and returns its canonical JSON.
func (f *field) checkGeneral(raw json.RawMessage) (json.RawMessage, *FieldError) {
	v, err := decode(raw)
	if err != nil {
		return nil, f.invalid("is not valid JSON")
	}
	if err := f.schema.Validate(v); err != nil {
		return nil, f.invalid(reason(err))
	}
	c, err := canonical(v, f.canon)
	if err != nil {
		return nil, f.invalid("is not a number the server can store")
	}
	if s, ok := c.(string); ok {
		return syncproto.AppendString(nil, s), nil
	}
	out, err := json.Marshal(c)
	if err != nil {
		return nil, f.invalid("cannot be stored")
	}
	return out, nil
}

// plainASCII reports whether b, as the inside of a JSON string, means
// itself and is what encoding/json writes for it: printable ASCII
// without quotes, backslashes or the characters it escapes for HTML.
func plainASCII(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

func (f *field) invalid(why string) *FieldError {
	return &FieldError{Code: syncproto.CodeInvalidField, Field: f.name, Message: f.name + ": " + why}
}

func unknownField(name string) *FieldError {
	n := clip(name, maxNameLen)
	return &FieldError{Code: syncproto.CodeUnknownField, Field: n, Message: fmt.Sprintf("unknown field %q", n)}
}

// decode reads exactly one JSON value, numbers as json.Number. Scalars,
// the usual case, skip the general decoder.
func decode(raw []byte) (any, error) {
	if len(raw) == 0 {
		return nil, errEmpty
	}
	switch c := raw[0]; {
	case c == '"':
		if len(raw) >= 2 && raw[len(raw)-1] == '"' && plainASCII(raw[1:len(raw)-1]) {
			return string(raw[1 : len(raw)-1]), nil
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		return s, nil
	case c == '-' || (c >= '0' && c <= '9'):
		if !isNumber(raw) {
			return nil, errNotNumber
		}
		return json.Number(raw), nil
	case c == 't' || c == 'f':
		var b bool
		if err := json.Unmarshal(raw, &b); err != nil {
			return nil, err
		}
		return b, nil
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, errTrailing
	}
	return v, nil
}

var (
	errEmpty     = errors.New("empty value")
	errNotNumber = errors.New("not a JSON number")
	errTrailing  = errors.New("trailing data after the value")
)

// isNumber reports whether b is exactly one JSON number.
func isNumber(b []byte) bool {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		start := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == start {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		start := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == start {
			return false
		}
	}
	return i == len(b)
}

func isNull(raw json.RawMessage) bool {
	return bytes.Equal(bytes.TrimSpace(raw), jsonNull)
}

func sortedNames(fields map[string]json.RawMessage) []string {
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}
