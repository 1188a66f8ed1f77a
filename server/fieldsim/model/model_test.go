package model

import "testing"

const (
	devA = "0190a8f2-6000-7000-8000-00000000000a"
	devB = "0190a8f2-6000-7000-8000-00000000000b"
)

func up(op, dev string, hlc string, base, pos int64, fields map[string]string) Write {
	return Write{OpID: op, Collection: "encounters", ID: "r1", Kind: Upsert, Fields: fields,
		SentHLC: hlc, HLC: hlc, Device: dev, Base: base, Pos: pos}
}

func TestConcurrentEditWinnerByStamp(t *testing.T) {
	m := New()
	m.Apply(up("o1", devA, "0000000000001-00000-a", 0, 1, map[string]string{"notes": `"a"`, "lat": "3.5"}))
	m.Apply(up("o2", devA, "0000000000002-00000-a", 1, 2, map[string]string{"notes": `"a2"`}))
	out := m.Apply(up("o3", devB, "0000000000001-00005-b", 1, 3, map[string]string{"notes": `"b"`}))
	if len(out.Superseded) != 1 || out.Superseded[0] != "notes" {
		t.Fatalf("superseded %v", out.Superseded)
	}
	if len(out.Conflicts) != 1 || out.Conflicts[0].Current.JSON != `"a2"` || out.Conflicts[0].Other.JSON != `"b"` {
		t.Fatalf("conflicts %+v", out.Conflicts)
	}
	// B saw position 3 now: no conflict, and it wins with a higher stamp.
	out = m.Apply(up("o4", devB, "0000000000003-00000-b", 3, 4, map[string]string{"notes": `"b2"`}))
	if len(out.Conflicts) != 0 || len(out.Superseded) != 0 {
		t.Fatalf("outcome %+v", out)
	}
	if m.Conflicts()[0].Status != Open {
		t.Fatal("first conflict should still be open")
	}
	out = m.Apply(up("o5", devA, "0000000000004-00000-a", 2, 5, map[string]string{"notes": `"a3"`}))
	if len(out.Conflicts) != 1 || m.Conflicts()[0].Status != Superseded {
		t.Fatalf("later conflict should supersede: %+v", m.Conflicts()[0])
	}
}

func TestDeleteAndEdit(t *testing.T) {
	m := New()
	m.Apply(up("o1", devA, "0000000000001-00000-a", 0, 1, map[string]string{"notes": `"a"`}))
	m.Apply(up("o2", devB, "0000000000002-00000-b", 1, 2, map[string]string{"notes": `"b"`}))
	del := Write{OpID: "o3", Collection: "encounters", ID: "r1", Kind: Delete, SentHLC: "0000000000003-00000-a",
		HLC: "0000000000003-00000-a", Device: devA, Base: 1, Pos: 3}
	out := m.Apply(del)
	if len(out.Conflicts) != 1 || out.Conflicts[0].Kind != DeleteOverEdit || out.Conflicts[0].Other.JSON != `{"notes":"b"}` {
		t.Fatalf("delete: %+v", out.Conflicts)
	}
	out = m.Apply(up("o4", devB, "0000000000004-00000-b", 2, 4, map[string]string{"notes": `"b2"`}))
	if len(out.Conflicts) != 1 || out.Conflicts[0].Kind != EditOnDeleted {
		t.Fatalf("edit on deleted: %+v", out.Conflicts)
	}
	st, _ := m.Record("encounters", "r1")
	if !st.Deleted || st.Fields["notes"].JSON != `"b2"` {
		t.Fatalf("state %+v", st)
	}
	if !m.Stale(m.Conflicts()[0]) || m.Stale(m.Conflicts()[1]) {
		t.Fatal("the first record-level conflict is superseded, the second open")
	}
}

func TestDeviceOrder(t *testing.T) {
	m := New()
	m.Apply(up("o1", devA, "0000000000005-00000-a", 0, 1, map[string]string{"notes": `"a"`}))
	out := m.Apply(Write{OpID: "o2", Collection: "encounters", ID: "r1", Kind: Upsert, Fields: map[string]string{"notes": `"x"`},
		SentHLC: "0000000000004-00000-a", HLC: "0000000000009-00000-" + ServerDevice, Device: devA, Base: 1, Pos: 2})
	if !out.OrderViolated || len(out.Superseded) != 0 {
		t.Fatalf("outcome %+v", out)
	}
}
