package schema

import (
	"bytes"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
	"testing/fstest"

	contract "urcsync/mobile-contract"
)

// contractAndOdd returns every field of the contract's collections and
// of one more collection, odd, written to try edge cases.
func contractAndOdd(t *testing.T, odd string) []*field {
	t.Helper()
	var out []*field
	for _, fsys := range []fs.FS{contract.FS, fstest.MapFS{"schemas/odd.json": {Data: []byte(odd)}}} {
		r, err := Load(fsys)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range r.colls {
			for _, f := range c.fields {
				out = append(out, f)
			}
		}
	}
	return out
}

// numberFields returns every field with a plain-number plan, from the
// contract's collections and from a collection whose bounds floats
// cannot hold exactly.
func numberFields(t *testing.T) []*field {
	t.Helper()
	odd := `{"type":"object","properties":{
		"tenth":{"type":"number","minimum":0.1,"maximum":0.3},
		"big":{"type":"integer","minimum":-9007199254740993,"maximum":9007199254740993},
		"tiny":{"type":"number","minimum":-1e-300,"maximum":1e-300},
		"open":{"type":"number"},
		"step":{"type":"number","minimum":0,"maximum":10,"multipleOf":0.5}}}`
	var out []*field
	for _, f := range contractAndOdd(t, odd) {
		if f.name == "step" && f.num != nil {
			t.Fatal("a property with multipleOf was given a plain-number plan")
		}
		if f.num != nil {
			out = append(out, f)
		}
	}
	return out
}

// candidates are literals around a field's bounds and elsewhere, in
// every spelling JSON allows and some it does not.
func candidates(f *field, rng *rand.Rand) []string {
	var vals []float64
	for _, b := range []float64{f.num.minimum, f.num.maximum, 0, 1, -1} {
		vals = append(vals, b, math.Nextafter(b, math.Inf(1)), math.Nextafter(b, math.Inf(-1)), b+0.5, b-0.5, b+1, b-1)
	}
	for range 200 {
		lo, hi := f.num.minimum, f.num.maximum
		if !f.num.hasMin || !f.num.hasMax {
			lo, hi = -1e6, 1e6
		}
		vals = append(vals, lo-1+rng.Float64()*(hi-lo+2))
	}
	var out []string
	for _, v := range vals {
		out = append(out,
			strconv.FormatFloat(v, 'g', -1, 64),
			strconv.FormatFloat(v, 'f', -1, 64),
			strconv.FormatFloat(v, 'e', 3, 64),
			strconv.FormatFloat(math.Round(v), 'f', -1, 64),
			strconv.FormatFloat(math.Round(v), 'f', 1, 64),
			fmt.Sprintf("%.25f", v))
	}
	return append(out, "-0", "0", "0.0", "1E2", "1e400", "-1e400", "01", "1.", ".5", "+1", "0x10",
		"90", "90.0", "90.0000000000000000000001", "89.99999999999999999999", "-90.00000000000000000001",
		"130", "130.0000000000000000001", "9007199254740993", "9007199254740992", "-9007199254740994",
		"0.1", "0.30000000000000000001", "0.1000000000000000000001", "0.09999999999999999999")
}

// The plain-number path must give exactly what the validator gives:
// the same canonical bytes for every value it accepts, and it accepts
// only values the validator accepts.
func TestNumberRangeAgreesWithTheValidator(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	fast := 0
	for _, f := range numberFields(t) {
		for _, lit := range candidates(f, rng) {
			raw := []byte(lit)
			want, wantErr := f.checkGeneral(raw)
			got, ok := f.num.accept(raw)
			if !ok {
				continue
			}
			fast++
			if wantErr != nil {
				t.Errorf("%s: %s accepted by the plain-number path, refused by the validator: %s", f.name, lit, wantErr.Message)
			} else if !bytes.Equal(got, want) {
				t.Errorf("%s: %s stored as %s by the plain-number path, %s by the validator", f.name, lit, got, want)
			}
			if all, ferr := f.check(raw); ferr != nil || !bytes.Equal(all, want) {
				t.Errorf("%s: check(%s) = %s, %v; want %s", f.name, lit, all, ferr, want)
			}
		}
	}
	if fast < 1000 {
		t.Fatalf("the plain-number path decided only %d values; the contract's lat, lon and ages should use it", fast)
	}
}

// Values left to the validator are still judged by it.
func TestNumberRangeLeavesEdgesToTheValidator(t *testing.T) {
	for _, f := range numberFields(t) {
		if f.name != "lat" {
			continue
		}
		for _, lit := range []string{"90", "90.0", "-90", "91", "1e400", "\"3\""} {
			if _, ok := f.num.accept([]byte(lit)); ok {
				t.Errorf("lat %s decided by the plain-number path", lit)
			}
		}
		if _, ferr := f.check([]byte("90")); ferr != nil {
			t.Errorf("lat 90 refused: %s", ferr.Message)
		}
		if _, ferr := f.check([]byte("90.0000000000000000001")); ferr == nil {
			t.Error("lat 90.0000000000000000001 accepted")
		}
	}
}
