package syncproto

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
)

var devices = []string{
	"0190a1b2-c3d4-7e5f-8a9b-000000000001",
	"0190a1b2-c3d4-7e5f-8a9b-000000000002",
	"0190a1b2-c3d4-7e5f-8a9b-000000000003",
}

func stamp(ms int64, counter int, dev string, pos int64) Stamp {
	return Stamp{HLC: HLC{Millis: ms, Counter: counter, Node: dev}.String(), Device: dev, Pos: pos}
}

func upsert(fields map[string]string, s Stamp, base int64) Write {
	f := map[string]json.RawMessage{}
	for k, v := range fields {
		f[k] = json.RawMessage(v)
	}
	return Write{Kind: KindUpsert, Fields: f, Stamp: s, BaseSeq: base}
}

func TestApplyFieldLastWriterWins(t *testing.T) {
	r := NewRecord()
	r.Apply(upsert(map[string]string{"a": `1`, "b": `"x"`}, stamp(2000, 0, devices[0], 1), 0))
	out := r.Apply(upsert(map[string]string{"a": `2`, "b": `"y"`}, stamp(1000, 0, devices[0], 2), 1))
	if string(r.Fields["a"].Value) != `1` || string(r.Fields["b"].Value) != `"x"` {
		t.Fatalf("older write won: %v", r.Fields)
	}
	if !reflect.DeepEqual(out.Superseded, []string{"a", "b"}) {
		t.Fatalf("superseded = %v, want [a b]", out.Superseded)
	}
	r.Apply(upsert(map[string]string{"b": `null`}, stamp(3000, 0, devices[1], 3), 2))
	if string(r.Fields["b"].Value) != `null` || string(r.Fields["a"].Value) != `1` {
		t.Fatalf("null should clear only b: %v", r.Fields)
	}
}

func TestApplyUpsertNeverUndeletes(t *testing.T) {
	r := NewRecord()
	r.Apply(upsert(map[string]string{"a": `1`}, stamp(1000, 0, devices[0], 1), 0))
	r.Apply(Write{Kind: KindDelete, Stamp: stamp(2000, 0, devices[0], 2), BaseSeq: 1})
	r.Apply(upsert(map[string]string{"a": `5`}, stamp(3000, 0, devices[0], 3), 2))
	if !r.Deleted {
		t.Fatal("an upsert brought a deleted record back")
	}
	if string(r.Fields["a"].Value) != `5` {
		t.Fatalf("the upsert's value should be kept under the tombstone, got %s", r.Fields["a"].Value)
	}
	r.Apply(Write{Kind: KindRestore, Stamp: stamp(4000, 0, ServerNode, 4)})
	if r.Deleted {
		t.Fatal("restore stamped above the delete did not undelete")
	}
	r.Apply(Write{Kind: KindDelete, Stamp: stamp(3500, 0, devices[1], 5), BaseSeq: 0})
	if r.Deleted {
		t.Fatal("a delete stamped below the restore won")
	}
}

func TestApplyConflicts(t *testing.T) {
	a, b := devices[0], devices[1]
	t.Run("ConcurrentEdit", func(t *testing.T) {
		r := NewRecord()
		r.Apply(upsert(map[string]string{"x": `"a"`}, stamp(1000, 0, a, 1), 0))
		out := r.Apply(upsert(map[string]string{"x": `"b"`}, stamp(900, 0, b, 2), 0))
		if len(out.Conflicts) != 1 || out.Conflicts[0].Kind != ConflictConcurrentEdit {
			t.Fatalf("conflicts = %+v, want one concurrent_edit", out.Conflicts)
		}
		c := out.Conflicts[0]
		if string(c.Current.Value) != `"a"` || string(c.Other.Value) != `"b"` || c.Other.Device != b {
			t.Fatalf("current/other wrong: %+v", c)
		}
	})
	t.Run("SeenIsNotConcurrent", func(t *testing.T) {
		r := NewRecord()
		r.Apply(upsert(map[string]string{"x": `"a"`}, stamp(1000, 0, a, 1), 0))
		out := r.Apply(upsert(map[string]string{"x": `"b"`}, stamp(2000, 0, b, 2), 1))
		if len(out.Conflicts) != 0 {
			t.Fatalf("a write made after seeing the other conflicted: %+v", out.Conflicts)
		}
	})
	t.Run("SameDeviceNeverConflicts", func(t *testing.T) {
		r := NewRecord()
		r.Apply(upsert(map[string]string{"x": `"a"`}, stamp(1000, 0, a, 1), 0))
		out := r.Apply(upsert(map[string]string{"x": `"b"`}, stamp(2000, 0, a, 2), 0))
		if len(out.Conflicts) != 0 {
			t.Fatalf("same device conflicted with itself: %+v", out.Conflicts)
		}
	})
	t.Run("EqualValuesDoNotConflict", func(t *testing.T) {
		r := NewRecord()
		r.Apply(upsert(map[string]string{"x": `"a"`}, stamp(1000, 0, a, 1), 0))
		out := r.Apply(upsert(map[string]string{"x": `"a"`}, stamp(2000, 0, b, 2), 0))
		if len(out.Conflicts) != 0 {
			t.Fatalf("equal values conflicted: %+v", out.Conflicts)
		}
	})
	t.Run("EditOnDeleted", func(t *testing.T) {
		r := NewRecord()
		r.Apply(upsert(map[string]string{"x": `"a"`}, stamp(1000, 0, a, 1), 0))
		r.Apply(Write{Kind: KindDelete, Stamp: stamp(2000, 0, a, 2), BaseSeq: 1})
		out := r.Apply(upsert(map[string]string{"y": `1`}, stamp(3000, 0, b, 3), 1))
		if len(out.Conflicts) != 1 || out.Conflicts[0].Kind != ConflictEditOnDeleted {
			t.Fatalf("conflicts = %+v, want one edit_on_deleted", out.Conflicts)
		}
	})
	t.Run("DeleteOverEdit", func(t *testing.T) {
		r := NewRecord()
		r.Apply(upsert(map[string]string{"x": `"a"`}, stamp(1000, 0, a, 1), 0))
		r.Apply(upsert(map[string]string{"x": `"b"`}, stamp(2000, 0, b, 2), 1))
		out := r.Apply(Write{Kind: KindDelete, Stamp: stamp(3000, 0, a, 3), BaseSeq: 1})
		if len(out.Conflicts) != 1 || out.Conflicts[0].Kind != ConflictDeleteOverEdit {
			t.Fatalf("conflicts = %+v, want one delete_over_edit", out.Conflicts)
		}
		if !r.Deleted {
			t.Fatal("the delete did not apply")
		}
	})
}

func TestDeviceOrderViolated(t *testing.T) {
	r := NewRecord()
	r.Apply(upsert(map[string]string{"x": `1`}, stamp(5000, 0, devices[0], 1), 0))
	older := upsert(map[string]string{"x": `2`}, stamp(1000, 0, devices[0], 0), 1)
	if !r.DeviceOrderViolated(older) {
		t.Fatal("a stamp below the device's previous write to the field was not flagged")
	}
	other := upsert(map[string]string{"y": `2`}, stamp(1000, 0, devices[0], 0), 1)
	if r.DeviceOrderViolated(other) {
		t.Fatal("a write to another field was flagged")
	}
	if r.DeviceOrderViolated(upsert(map[string]string{"x": `2`}, stamp(1000, 0, devices[1], 0), 1)) {
		t.Fatal("another device's write was flagged")
	}
}

// TestMergeOrderIndependence is the property of §3: any set of changes,
// applied in any order, any number of times, gives the same record.
func TestMergeOrderIndependence(t *testing.T) {
	const cases = 5000
	for seed := range uint64(cases) {
		rng := rand.New(rand.NewPCG(seed, 0x5eed))
		writes := randomWrites(rng)
		want := replay(writes, rng.Perm(len(writes)))
		for range 3 {
			order := rng.Perm(len(writes))
			// Random duplication: re-append a random subset.
			for i := range rng.IntN(len(writes) + 1) {
				order = append(order, order[i%len(order)])
			}
			rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
			if got := replay(writes, order); !reflect.DeepEqual(got, want) {
				t.Fatalf("seed %d: order %v gave\n%v\nwant\n%v", seed, order, got, want)
			}
		}
	}
}

func randomWrites(rng *rand.Rand) []Write {
	fields := []string{"a", "b", "c"}
	values := []string{`1`, `2`, `"x"`, `null`, `{"k":[1,2]}`, `true`}
	n := 1 + rng.IntN(12)
	writes := make([]Write, 0, n)
	for i := range n {
		dev := devices[rng.IntN(len(devices))]
		s := stamp(int64(1000+rng.IntN(5)), rng.IntN(3), dev, int64(i+1))
		switch k := rng.IntN(10); {
		case k < 7:
			f := map[string]string{}
			for _, name := range fields {
				if rng.IntN(2) == 0 {
					f[name] = values[rng.IntN(len(values))]
				}
			}
			writes = append(writes, upsert(f, s, int64(rng.IntN(i+1))))
		case k < 9:
			writes = append(writes, Write{Kind: KindDelete, Stamp: s})
		default:
			s.Device, s.HLC = ServerNode, HLC{Millis: int64(1000 + rng.IntN(5)), Counter: rng.IntN(3), Node: ServerNode}.String()
			writes = append(writes, Write{Kind: KindRestore, Stamp: s})
		}
	}
	return writes
}

// outcome is the part of a record that must not depend on arrival order.
type outcome struct {
	Fields  map[string]string
	Deleted bool
	DelHLC  string
}

func replay(writes []Write, order []int) outcome {
	r := NewRecord()
	for _, i := range order {
		r.Apply(writes[i])
	}
	o := outcome{Fields: map[string]string{}, Deleted: r.Deleted, DelHLC: r.DeletedStamp.HLC}
	for k, f := range r.Fields {
		o.Fields[k] = fmt.Sprintf("%s@%s", f.Value, f.HLC)
	}
	return o
}
