package schema

import (
	"encoding/json"
	"errors"
	"strconv"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"urcsync/syncproto"
)

const (
	formatUUID     = "uuid"
	formatDateTime = "date-time"
)

// canonNode says which strings of a value are to be rewritten in their
// strict form: the value itself (format), its array items or its object
// members. A nil node rewrites nothing.
type canonNode struct {
	format string
	items  *canonNode
	props  map[string]*canonNode
}

// buildCanon derives the rewriting plan of a (sub)schema from its format,
// items and properties keywords.
func buildCanon(s map[string]any) *canonNode {
	n := &canonNode{}
	keep := false
	if f, _ := s["format"].(string); f == formatUUID || f == formatDateTime {
		n.format, keep = f, true
	}
	if items, ok := s["items"].(map[string]any); ok {
		if n.items = buildCanon(items); n.items != nil {
			keep = true
		}
	}
	if props, ok := s["properties"].(map[string]any); ok {
		for name, p := range props {
			pm, ok := p.(map[string]any)
			if !ok {
				continue
			}
			if c := buildCanon(pm); c != nil {
				if n.props == nil {
					n.props = map[string]*canonNode{}
				}
				n.props[name], keep = c, true
			}
		}
	}
	if !keep {
		return nil
	}
	return n
}

var errNumber = errors.New("number out of range")

// canonical converts a decoded, valid value (numbers as json.Number) into
// the Go value whose json.Marshal is its canonical text: numbers as
// float64, as syncproto.Canonical has them, and formatted strings in their
// strict form.
func canonical(v any, n *canonNode) (any, error) {
	switch x := v.(type) {
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			return nil, errNumber
		}
		return f, nil
	case string:
		if n == nil {
			return x, nil
		}
		switch n.format {
		case formatUUID:
			if u, ok := syncproto.CanonicalUUID(x); ok {
				return u, nil
			}
		case formatDateTime:
			if t, err := ParseTime(x); err == nil {
				return FormatTime(t), nil
			}
		}
		return x, nil
	case []any:
		var item *canonNode
		if n != nil {
			item = n.items
		}
		for i, e := range x {
			c, err := canonical(e, item)
			if err != nil {
				return nil, err
			}
			x[i] = c
		}
		return x, nil
	case map[string]any:
		for k, e := range x {
			var p *canonNode
			if n != nil {
				p = n.props[k]
			}
			c, err := canonical(e, p)
			if err != nil {
				return nil, err
			}
			x[k] = c
		}
		return x, nil
	}
	return v, nil
}

// formats are the assertions the registry enforces in its own terms, so
// that every value accepted can be rewritten in its strict form.
var formats = []*jsonschema.Format{
	{Name: formatUUID, Validate: func(v any) error { return formatCheck(formatUUID, v) }},
	{Name: formatDateTime, Validate: func(v any) error { return formatCheck(formatDateTime, v) }},
}

// formatCheck asserts format on v; values other than strings pass.
func formatCheck(format string, v any) error {
	s, ok := v.(string)
	if !ok {
		return nil
	}
	switch format {
	case formatUUID:
		if _, ok := syncproto.CanonicalUUID(s); !ok {
			return errors.New("not a UUID")
		}
	case formatDateTime:
		_, err := ParseTime(s)
		return err
	}
	return nil
}
