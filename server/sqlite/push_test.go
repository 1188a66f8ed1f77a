package sqlite

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"urcsync/server/core"
	"urcsync/syncproto"
)

func TestPushPullRoundTrip(t *testing.T) {
	db, _ := mustOpen(t, Options{})
	ph := mustPhone(t, db, "budi", syncproto.RoleOfficer, "urc-1")
	id := newID()
	wantStatus(t, ph.push(t, db, ph.change("encounters", id, "upsert", encounter(map[string]any{"place_description": "Simpang Pos"}), ""))[0], syncproto.StatusApplied)

	got, _ := ph.pullAll(t, db, "")
	rc, ok := got[id]
	if !ok {
		t.Fatalf("pulled %v, want record %s", got, id)
	}
	if rc.Deleted || fieldOf(t, rc, "category") != `"anak_jalanan"` || fieldOf(t, rc, "team_id") != `"urc-1"` ||
		fieldOf(t, rc, "created_by") != `"`+ph.p.UserID+`"` {
		t.Fatalf("pulled record wrong: %s", rc.Fields)
	}
	if !strings.HasSuffix(rc.HLC, ph.p.DeviceID) {
		t.Fatalf("record hlc %s is not the phone's stamp", rc.HLC)
	}
}

func TestPushIdempotentByOpID(t *testing.T) {
	db, _ := mustOpen(t, Options{})
	ph := mustPhone(t, db, "budi", syncproto.RoleOfficer, "urc-1")
	ch := ph.change("encounters", newID(), "upsert", encounter(nil), "")
	first := ph.push(t, db, ch)[0]
	wantStatus(t, first, syncproto.StatusApplied)
	again := ph.push(t, db, ch)[0]
	wantStatus(t, again, syncproto.StatusDuplicate)

	// Same op_id, other content: op_id_reused, and the record keeps the first value.
	var m map[string]any
	_ = json.Unmarshal(ch, &m)
	m["fields"] = encounter(map[string]any{"category": "pengemis"})
	other, _ := json.Marshal(m)
	wantRejected(t, ph.push(t, db, other)[0], syncproto.CodeOpIDReused)

	// base_cursor is not part of the content.
	m["fields"] = encounter(nil)
	m["base_cursor"] = ""
	m["collection"] = "encounters"
	same, _ := json.Marshal(m)
	wantStatus(t, ph.push(t, db, same)[0], syncproto.StatusDuplicate)
}

func TestPushRejectionsKeptAndOthersApplied(t *testing.T) {
	db, _ := mustOpen(t, Options{})
	ph := mustPhone(t, db, "budi", syncproto.RoleOfficer, "urc-1")
	other := mustPhone(t, db, "sari", syncproto.RoleOfficer, "urc-2")
	otherRec := newID()
	wantStatus(t, other.push(t, db, other.change("persons", otherRec, "upsert", map[string]any{"category": "pengemis"}, ""))[0], syncproto.StatusApplied)
	existing := newID()
	wantStatus(t, ph.push(t, db, ph.change("encounters", existing, "upsert", encounter(nil), ""))[0], syncproto.StatusApplied)

	forged := syncproto.HLC{Millis: time.Now().UnixMilli(), Node: other.p.DeviceID}.String()
	tests := []struct {
		name   string
		change json.RawMessage
		code   string
	}{
		{"UnknownCollection", ph.change("spaceships", newID(), "upsert", map[string]any{"x": 1}, ""), syncproto.CodeUnknownCollection},
		{"UnknownField", ph.change("encounters", existing, "upsert", map[string]any{"colour": "red"}, ""), syncproto.CodeUnknownField},
		{"InvalidEnum", ph.change("encounters", existing, "upsert", map[string]any{"category": "alien"}, ""), syncproto.CodeInvalidField},
		{"LatOutOfRange", ph.change("encounters", existing, "upsert", map[string]any{"lat": 91}, ""), syncproto.CodeInvalidField},
		{"MissingField", ph.change("encounters", newID(), "upsert", map[string]any{"lat": 3.1}, ""), syncproto.CodeMissingField},
		{"ReadOnly", ph.change("encounters", existing, "upsert", map[string]any{"team_id": "urc-2"}, ""), syncproto.CodeReadOnlyField},
		{"BadUUID", ph.change("encounters", "../../etc/passwd", "upsert", encounter(nil), ""), syncproto.CodeInvalidField},
		{"BadCursor", ph.change("encounters", existing, "upsert", map[string]any{"lat": 3.2}, "forged-cursor"), syncproto.CodeInvalidCursor},
		{"OtherTeamRecord", ph.change("persons", otherRec, "upsert", map[string]any{"name": "X"}, ""), syncproto.CodeForbidden},
		{"ReferenceOutOfScope", ph.change("encounters", newID(), "upsert", encounter(map[string]any{"person_id": otherRec}), ""), syncproto.CodeInvalidReference},
		{"HugeString", ph.change("encounters", existing, "upsert", map[string]any{"notes": strings.Repeat("x", 1<<20)}, ""), syncproto.CodeInvalidField},
		{"BadKind", ph.change("encounters", existing, "merge", nil, ""), syncproto.CodeInvalidRequest},
		{"BadHLC", json.RawMessage(`{"op_id":"` + newID() + `","collection":"encounters","id":"` + existing + `","kind":"delete","hlc":"yesterday"}`), syncproto.CodeInvalidHLC},
		{"ForeignNode", json.RawMessage(`{"op_id":"` + newID() + `","collection":"encounters","id":"` + existing + `","kind":"delete","hlc":"` + forged + `"}`), syncproto.CodeInvalidHLC},
		{"WrongTypes", json.RawMessage(`{"op_id":"` + newID() + `","collection":7,"fields":"x"}`), syncproto.CodeInvalidRequest},
		{"DuplicateFieldName", json.RawMessage(`{"op_id":"` + newID() + `","collection":"encounters","id":"` + existing + `","kind":"upsert","fields":{"lat":3.1,"lat":3.2},"hlc":"` + ph.clk.Now().String() + `"}`), syncproto.CodeInvalidRequest},
	}
	changes := []json.RawMessage{}
	for _, tt := range tests {
		changes = append(changes, tt.change)
	}
	good := newID()
	changes = append(changes, ph.change("encounters", good, "upsert", encounter(nil), ""))
	results := ph.push(t, db, changes...)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantRejected(t, results[i], tt.code) })
	}
	wantStatus(t, results[len(results)-1], syncproto.StatusApplied)

	sup := mustPhone(t, db, "kepala", syncproto.RoleSupervisor, "urc-1")
	items, _, err := db.ListRejected(context.Background(), sup.p, core.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != len(tests) {
		t.Fatalf("office sees %d rejected changes, want %d", len(items), len(tests))
	}
	codes := map[string]bool{}
	for _, it := range items {
		codes[it.Error.Code] = true
		if it.DeviceID != ph.p.DeviceID || it.Username != "budi" || len(it.Change) == 0 {
			t.Fatalf("rejected item lacks who/what: %+v", it)
		}
	}
	for _, tt := range tests {
		if !codes[tt.code] {
			t.Errorf("rejected list lacks %s", tt.code)
		}
	}
	// The other team's supervisor sees none of them.
	sup2 := mustPhone(t, db, "kepala2", syncproto.RoleSupervisor, "urc-2")
	if items, _, _ := db.ListRejected(context.Background(), sup2.p, core.Page{}); len(items) != 0 {
		t.Fatalf("another team's supervisor sees %d rejected changes", len(items))
	}
}

func TestPushDeviceMismatchForbidden(t *testing.T) {
	db, _ := mustOpen(t, Options{})
	ph := mustPhone(t, db, "budi", syncproto.RoleOfficer, "urc-1")
	_, err := db.Push(context.Background(), ph.p, core.PushBatch{DeviceID: newID()})
	if core.ErrorCode(err) != syncproto.CodeForbidden {
		t.Fatalf("err = %v, want forbidden", err)
	}
}

func TestPushRestampsSkewedAndOutOfOrderStamps(t *testing.T) {
	clk := &testClock{}
	clk.ms.Store(time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC).UnixMilli())
	db, _ := mustOpen(t, Options{Now: clk.now})
	ph := mustPhone(t, db, "budi", syncproto.RoleOfficer, "urc-1")
	id := newID()

	// A phone whose clock is two hours ahead.
	ahead := syncproto.NewClock(ph.p.DeviceID, syncproto.HLC{}, func() time.Time { return clk.now().Add(2 * time.Hour) })
	ph.clk = ahead
	skewed := ph.change("encounters", id, "upsert", encounter(nil), "")
	r := ph.push(t, db, skewed)[0]
	wantStatus(t, r, syncproto.StatusApplied)
	if r.Restamped == "" || !strings.HasSuffix(r.Restamped, syncproto.ServerNode) {
		t.Fatalf("skewed stamp not restamped: %+v", r)
	}
	// Sent again, it is a duplicate with the first answer's restamp.
	if again := ph.push(t, db, skewed)[0]; again.Status != syncproto.StatusDuplicate || again.Restamped != r.Restamped {
		t.Fatalf("re-sent skewed change: %+v, want duplicate restamped %s", again, r.Restamped)
	}
	if h := syncproto.MustParseHLC(r.Restamped); h.Time().After(clk.now().Add(time.Second)) {
		t.Fatalf("restamp %s is not near the server's clock", r.Restamped)
	}
	// Within the window: kept.
	ph.clk = syncproto.NewClock(ph.p.DeviceID, syncproto.HLC{}, func() time.Time { return clk.now().Add(4 * time.Minute) })
	r = ph.push(t, db, ph.change("encounters", newID(), "upsert", encounter(nil), ""))[0]
	if r.Restamped != "" {
		t.Fatalf("a stamp 4 minutes ahead was restamped: %+v", r)
	}

	// The same phone lost its clock and saved HLC: its correction is stamped
	// below its own earlier write, and must still win.
	ph.clk = syncproto.NewClock(ph.p.DeviceID, syncproto.HLC{}, clk.now)
	first := ph.push(t, db, ph.change("encounters", id, "upsert", map[string]any{"place_description": "first"}, ""))[0]
	wantStatus(t, first, syncproto.StatusApplied)
	ph.clk = syncproto.NewClock(ph.p.DeviceID, syncproto.HLC{}, func() time.Time { return clk.now().Add(-3 * time.Hour) })
	second := ph.push(t, db, ph.change("encounters", id, "upsert", map[string]any{"place_description": "corrected"}, ""))[0]
	if second.Restamped == "" || len(second.Superseded) != 0 {
		t.Fatalf("out-of-order stamp of the same device not restamped: %+v", second)
	}
	got, _ := ph.pullAll(t, db, "")
	if v := fieldOf(t, got[id], "place_description"); v != `"corrected"` {
		t.Fatalf("place_description = %s, want the officer's correction", v)
	}
}

func TestSupersededFieldsReported(t *testing.T) {
	db, _ := mustOpen(t, Options{})
	a := mustPhone(t, db, "budi", syncproto.RoleOfficer, "urc-1")
	b := mustPhone(t, db, "budi", syncproto.RoleOfficer, "urc-1")
	id := newID()
	_, cur := a.pullAll(t, db, "")
	b.clk = syncproto.NewClock(b.p.DeviceID, syncproto.HLC{}, func() time.Time { return time.Now().Add(-time.Second) })
	old := b.change("encounters", id, "upsert", encounter(map[string]any{"notes": "b"}), cur)
	wantStatus(t, a.push(t, db, a.change("encounters", id, "upsert", encounter(map[string]any{"notes": "a"}), cur))[0], syncproto.StatusApplied)
	r := b.push(t, db, old)[0]
	wantStatus(t, r, syncproto.StatusApplied)
	if len(r.Superseded) == 0 {
		t.Fatalf("older write should report superseded fields: %+v", r)
	}
}

func TestServerStateSurvivesReopen(t *testing.T) {
	db, path := mustOpen(t, Options{})
	ph := mustPhone(t, db, "budi", syncproto.RoleOfficer, "urc-1")
	future := syncproto.NewClock(ph.p.DeviceID, syncproto.HLC{}, func() time.Time { return time.Now().Add(4 * time.Minute) })
	ph.clk = future
	ph.push(t, db, ph.change("encounters", newID(), "upsert", encounter(nil), ""))
	before := db.ServerHLC()
	seq := db.seq
	db.Close()

	db2 := mustOpenPath(t, path, Options{})
	if db2.ServerHLC() < before {
		t.Fatalf("server HLC went backwards across restart: %s < %s", db2.ServerHLC(), before)
	}
	if db2.seq != seq {
		t.Fatalf("seq = %d after reopen, want %d", db2.seq, seq)
	}
	got, _ := ph.pullAll(t, db2, "")
	if len(got) != 1 {
		t.Fatalf("pulled %d records after reopen, want 1", len(got))
	}
}
