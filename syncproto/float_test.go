package syncproto

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
)

func TestAppendNumberIsEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	vals := []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 1e-6, 9.99e-7, 1e-7, 1e21, 9.99e20, 1e20, 123456789012345678901234.0,
		math.MaxFloat64, math.SmallestNonzeroFloat64, -math.MaxFloat64, 3.612345, 98.701234, 1e-9, 5e-324}
	for range 20000 {
		vals = append(vals, math.Float64frombits(rng.Uint64()), rng.NormFloat64()*math.Pow(10, float64(rng.IntN(60)-30)))
	}
	for _, f := range vals {
		want, err := json.Marshal(f)
		got, ok := AppendNumber(nil, f)
		if err != nil {
			if ok {
				t.Fatalf("AppendNumber(%v) = %s; encoding/json refuses it", f, got)
			}
			continue
		}
		if !ok || string(got) != string(want) {
			t.Fatalf("AppendNumber(%v) = %s, %v; encoding/json writes %s", f, got, ok, want)
		}
	}
}
