package schema

import (
	"encoding/json"
	"strings"

	"urcsync/syncproto"
)

// stringPlan is the plan of a plain string property, one whose schema
// says no more than its type "string", an enum of strings, its length
// bounds, a format the registry asserts (uuid, date-time) and
// annotations. A plain ASCII value is accepted here without the general
// validator when it certainly passes; every other case, refusals
// included, goes to the validator.
type stringPlan struct {
	enum                 map[string]bool // nil: any string
	minLength, maxLength int             // maxLength -1: none
	format               string
}

// plainStringKeys are the keywords a plain string property may carry.
var plainStringKeys = map[string]bool{
	"type": true, "enum": true, "minLength": true, "maxLength": true, "format": true,
	"title": true, "description": true, "$comment": true, "examples": true,
	"default": true, "readOnly": true, "writeOnly": true, "deprecated": true,
}

// buildStringPlan returns the plan of property schema s, or nil when s
// is not a plain string property.
func buildStringPlan(s map[string]any) *stringPlan {
	if s["type"] != "string" {
		return nil
	}
	for k := range s {
		if !plainStringKeys[k] && !strings.HasPrefix(k, "x-") {
			return nil
		}
	}
	p := &stringPlan{maxLength: -1}
	if f, present := s["format"]; present {
		if f != formatUUID && f != formatDateTime {
			return nil
		}
		p.format = f.(string)
	}
	if e, present := s["enum"]; present {
		list, ok := e.([]any)
		if !ok {
			return nil
		}
		p.enum = map[string]bool{}
		for _, v := range list {
			str, ok := v.(string)
			if !ok {
				return nil
			}
			p.enum[str] = true
		}
	}
	count := func(key string, to *int) bool {
		v, present := s[key]
		if !present {
			return true
		}
		n, ok := v.(json.Number)
		if !ok {
			return false
		}
		i, err := n.Int64()
		*to = int(i)
		return err == nil && i >= 0
	}
	if !count("minLength", &p.minLength) || !count("maxLength", &p.maxLength) {
		return nil
	}
	return p
}

// accept returns the canonical text of raw when raw is a plain ASCII
// string that certainly passes: in the enum, within the lengths (ASCII
// counts a character per byte), and in its format, rewritten to the
// strict form as canonical does.
func (p *stringPlan) accept(raw []byte, n *canonNode) (json.RawMessage, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' || !plainASCII(raw[1:len(raw)-1]) {
		return nil, false
	}
	s := string(raw[1 : len(raw)-1])
	if (p.enum != nil && !p.enum[s]) || len(s) < p.minLength || (p.maxLength >= 0 && len(s) > p.maxLength) {
		return nil, false
	}
	if p.format != "" && formatCheck(p.format, s) != nil {
		return nil, false
	}
	c, err := canonical(s, n)
	if err != nil {
		return nil, false
	}
	return syncproto.AppendString(nil, c.(string)), true
}
