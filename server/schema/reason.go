package schema

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

// maxEnumListed bounds how many allowed values a message lists.
const maxEnumListed = 12

// reason turns a validation error into a short, human-readable reason that
// names the rule broken and never repeats the value.
func reason(err error) string {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return "is not valid"
	}
	leaf := ve
	for len(leaf.Causes) > 0 {
		leaf = leaf.Causes[0]
	}
	why := describe(leaf.ErrorKind)
	if len(leaf.InstanceLocation) > 0 {
		loc := make([]string, len(leaf.InstanceLocation))
		for i, p := range leaf.InstanceLocation {
			loc[i] = clip(p, maxNameLen)
		}
		return "at /" + strings.Join(loc, "/") + ": " + why
	}
	return why
}

func describe(k jsonschema.ErrorKind) string {
	switch k := k.(type) {
	case *kind.Type:
		return "must be " + article(strings.Join(k.Want, " or "))
	case *kind.Enum:
		if len(k.Want) <= maxEnumListed {
			vals := make([]string, len(k.Want))
			for i, w := range k.Want {
				vals[i] = fmt.Sprint(w)
			}
			return "must be one of " + strings.Join(vals, ", ")
		}
		return fmt.Sprintf("is not one of the %d allowed values", len(k.Want))
	case *kind.Const:
		return "has a value other than the one allowed"
	case *kind.Format:
		switch k.Want {
		case formatUUID:
			return "must be a UUID (8-4-4-4-12 hex digits)"
		case formatDateTime:
			return "must be an RFC 3339 date-time, e.g. 2026-11-27T15:15:02+07:00"
		}
		return "must be a valid " + k.Want
	case *kind.Minimum:
		return "must be at least " + ratString(k.Want)
	case *kind.Maximum:
		return "must be at most " + ratString(k.Want)
	case *kind.ExclusiveMinimum:
		return "must be greater than " + ratString(k.Want)
	case *kind.ExclusiveMaximum:
		return "must be less than " + ratString(k.Want)
	case *kind.MultipleOf:
		return "must be a multiple of " + ratString(k.Want)
	case *kind.MinLength:
		return fmt.Sprintf("must be at least %d characters long", k.Want)
	case *kind.MaxLength:
		return fmt.Sprintf("must be at most %d characters long", k.Want)
	case *kind.Pattern:
		return "must match the pattern " + k.Want
	case *kind.MinItems:
		return fmt.Sprintf("must have at least %d items", k.Want)
	case *kind.MaxItems:
		return fmt.Sprintf("must have at most %d items", k.Want)
	case *kind.UniqueItems:
		return "must not repeat an item"
	case *kind.MinProperties:
		return fmt.Sprintf("must have at least %d members", k.Want)
	case *kind.MaxProperties:
		return fmt.Sprintf("must have at most %d members", k.Want)
	case *kind.Required:
		return "lacks the members " + strings.Join(k.Missing, ", ")
	case *kind.AdditionalProperties:
		return "has members that are not allowed"
	case *kind.FalseSchema:
		return "is not allowed"
	}
	if kw := k.KeywordPath(); len(kw) > 0 {
		return "breaks the rule " + strings.Join(kw, "/")
	}
	return "is not valid"
}

func article(s string) string {
	switch {
	case s == "":
		return "valid"
	case strings.IndexByte("aeiou", s[0]) >= 0:
		return "an " + s
	}
	return "a " + s
}

func ratString(r *big.Rat) string {
	if r == nil {
		return "?"
	}
	if r.IsInt() {
		return r.Num().String()
	}
	f, _ := r.Float64()
	return strconv.FormatFloat(f, 'g', -1, 64)
}
