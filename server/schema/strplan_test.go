package schema

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
)

// stringFields returns every field with a plain-string plan, from the
// contract's collections and from a collection with edge cases.
func stringFields(t *testing.T) []*field {
	t.Helper()
	odd := `{"type":"object","properties":{
		"short":{"type":"string","minLength":2,"maxLength":3},
		"none":{"type":"string","maxLength":0},
		"mixed":{"type":"string","enum":["a","B","é"]},
		"id":{"type":"string","format":"uuid","maxLength":36},
		"at":{"type":"string","format":"date-time"},
		"patterned":{"type":"string","pattern":"^x+$"}}}`
	var out []*field
	for _, f := range contractAndOdd(t, odd) {
		if f.name == "patterned" && f.str != nil {
			t.Fatal("a property with a pattern was given a plain-string plan")
		}
		if f.str != nil {
			out = append(out, f)
		}
	}
	return out
}

// stringCandidates are values for a string field: its enum values and
// near misses, lengths around its bounds, UUIDs and times in many
// spellings, escapes and non-ASCII text.
func stringCandidates(f *field, rng *rand.Rand) []string {
	var vals []string
	for v := range f.str.enum {
		vals = append(vals, v, strings.ToUpper(v), v+"x", v[:len(v)/2])
	}
	for _, n := range []int{0, 1, f.str.minLength - 1, f.str.minLength, f.str.maxLength - 1, f.str.maxLength, f.str.maxLength + 1} {
		if n >= 0 && n < 5000 {
			vals = append(vals, strings.Repeat("a", n), strings.Repeat("é", n))
		}
	}
	for range 20 {
		b := make([]byte, rng.IntN(40))
		for i := range b {
			b[i] = byte(0x20 + rng.IntN(0x5f))
		}
		vals = append(vals, string(b))
	}
	vals = append(vals,
		"0190a1b2-c3d4-7e5f-8a9b-000000000001", "0190A1B2-C3D4-7E5F-8A9B-000000000001",
		"{0190a1b2-c3d4-7e5f-8a9b-000000000001}", "0190a1b2c3d47e5f8a9b000000000001", "0190a1b2-c3d4-7e5f-8a9b-00000000000g",
		"2026-11-27T10:00:00Z", "2026-11-27T10:00:00.123+07:00", "2026-11-27t10:00:00z", "2026-11-27 10:00:00Z",
		"2026-02-30T10:00:00Z", "2026-11-27T10:00:00", "last tuesday", `a"b`, `a\b`, "<b>", "tab\there", "",
	)
	return vals
}

// The plain-string path must give exactly what the validator gives: the
// same canonical bytes for every value it accepts, and it accepts only
// values the validator accepts.
func TestStringPlanAgreesWithTheValidator(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	fast := 0
	for _, f := range stringFields(t) {
		for _, v := range stringCandidates(f, rng) {
			raw, _ := json.Marshal(v)
			got, ok := f.str.accept(raw, f.canon)
			if !ok {
				continue
			}
			fast++
			want, ferr := f.checkGeneral(raw)
			if ferr != nil {
				t.Errorf("%s: %s accepted by the plain-string path, refused by the validator: %s", f.name, raw, ferr.Message)
			} else if !bytes.Equal(got, want) {
				t.Errorf("%s: %s stored as %s by the plain-string path, %s by the validator", f.name, raw, got, want)
			}
		}
	}
	if fast < 200 {
		t.Fatalf("the plain-string path decided only %d values", fast)
	}
}
