package syncproto

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
)

// slowCanonical is the definition: decode into any, encode again.
func slowCanonical(v []byte) ([]byte, error) {
	d := json.NewDecoder(bytes.NewReader(v))
	var x any
	if err := d.Decode(&x); err != nil {
		return nil, err
	}
	if d.More() {
		return nil, fmt.Errorf("trailing data")
	}
	return json.Marshal(x)
}

var canonSamples = []string{
	`true`, `false`, `null`, `"plain"`, `""`, `"é"`, `"\u00e9"`, `"a\"b"`, `"<tag>&"`, `"\u2028"`, `"tab\t"`,
	`0`, `-0`, `1`, `1.0`, `1.50`, `3.512345`, `98.654321`, `1e21`, `1E21`, `1e20`, `123456789012345678901234`,
	`0.000001`, `0.0000001`, `1e-7`, `-2.5e-3`, `1e400`, `-1e400`, `01`, `1.`, `.5`, `+1`, `1e`, `--1`, `0x10`,
	`[1, 2 ,"x"]`, `{"b":1, "a":[true,null]}`, `{}`, `[]`, ` 1`, `1 `, `"unterminated`, `tru`, `nul`, `trueish`,
}

func TestCanonicalMatchesItsDefinition(t *testing.T) {
	for _, s := range canonSamples {
		want, wantErr := slowCanonical([]byte(s))
		got, err := Canonical(json.RawMessage(s))
		if (err != nil) != (wantErr != nil) || !bytes.Equal(got, want) {
			t.Errorf("Canonical(%s) = %s, %v; want %s, %v", s, got, err, want, wantErr)
		}
	}
}

func TestCanonicalObjectMatchesCanonicalOfTheObject(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	var valid []string
	for _, s := range canonSamples {
		if _, err := slowCanonical([]byte(s)); err == nil {
			valid = append(valid, s)
		}
	}
	keys := []string{"a", "b", "lat", "<k>", "é", "z\"q", "category"}
	for n := range 3000 {
		fields := map[string]json.RawMessage{}
		for range rng.IntN(6) {
			v := valid[rng.IntN(len(valid))]
			if v[0] == ' ' || v[len(v)-1] == ' ' {
				continue // json.Unmarshal never hands out padded values
			}
			fields[keys[rng.IntN(len(keys))]] = json.RawMessage(v)
		}
		obj, err := json.Marshal(fields)
		if err != nil {
			t.Fatal(err)
		}
		want, err := slowCanonical(obj)
		if err != nil {
			t.Fatalf("case %d: %v", n, err)
		}
		got, err := CanonicalObject(fields)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("case %d: CanonicalObject = %s, %v; want %s", n, got, err, want)
		}
	}
}
