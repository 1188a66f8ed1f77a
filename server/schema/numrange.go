package schema

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"urcsync/syncproto"
)

// numberRange is the plan of a plain numeric property, one whose schema
// says no more than its type ("number" or "integer"), its inclusive
// bounds and annotations. Such a value is accepted here without the
// general validator, which compares through math/big, when the answer is
// certain; every other case, refusals included, goes to the validator.
type numberRange struct {
	integer          bool
	hasMin, hasMax   bool
	minimum, maximum float64
}

// plainNumberKeys are the keywords a plain numeric property may carry.
var plainNumberKeys = map[string]bool{
	"type": true, "minimum": true, "maximum": true,
	"title": true, "description": true, "$comment": true, "examples": true,
	"default": true, "readOnly": true, "writeOnly": true, "deprecated": true,
}

// buildNumberRange returns the plan of property schema s, or nil when s
// is not a plain numeric property.
func buildNumberRange(s map[string]any) *numberRange {
	n := &numberRange{}
	switch s["type"] {
	case "number":
	case "integer":
		n.integer = true
	default:
		return nil
	}
	for k := range s {
		if !plainNumberKeys[k] && !strings.HasPrefix(k, "x-") {
			return nil
		}
	}
	bound := func(key string, has *bool, to *float64) bool {
		v, present := s[key]
		if !present {
			return true
		}
		num, ok := v.(json.Number)
		if !ok {
			return false
		}
		f, err := strconv.ParseFloat(string(num), 64)
		*has, *to = err == nil, f
		return err == nil
	}
	if !bound("minimum", &n.hasMin, &n.minimum) || !bound("maximum", &n.hasMax, &n.maximum) {
		return nil
	}
	return n
}

// accept returns the canonical text of raw when raw is certainly a valid
// value. Rounding to float64 never reverses an order, so a value whose
// float is strictly inside the bounds' floats is inside the bounds; a
// float equal to a bound, a non-integer literal for an integer, or a
// number out of float64's range is left to the validator.
func (n *numberRange) accept(raw []byte) (json.RawMessage, bool) {
	if !isNumber(raw) || (n.integer && bytes.ContainsAny(raw, ".eE")) {
		return nil, false
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || (n.hasMin && !(f > n.minimum)) || (n.hasMax && !(f < n.maximum)) {
		return nil, false
	}
	return syncproto.AppendNumber(nil, f)
}
