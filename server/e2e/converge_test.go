package e2e

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"urcsync/mobile-contract/client"
	"urcsync/syncproto"
)

func mustSync(t *testing.T, phones ...*client.Client) {
	t.Helper()
	for _, p := range phones {
		if err := p.Sync(context.Background()); err != nil {
			t.Fatalf("sync %s: %v", p.DeviceID(), err)
		}
	}
}

func conflictsIn(rep client.PushReport) []syncproto.ConflictRef {
	var out []syncproto.ConflictRef
	for _, r := range rep.Results {
		out = append(out, r.Conflicts...)
	}
	return out
}

// TestThreePhonesConverge: three phones edit the same encounter offline;
// after syncing they hold exactly the server's record, and conflicts are
// recorded exactly where two devices wrote one field without seeing each
// other.
func TestThreePhonesConverge(t *testing.T) {
	e := startServer(t)
	for _, u := range []string{"budi", "sari", "tono"} {
		e.user(u, "officer", "urc-1")
	}
	e.user("admin", "admin", "kantor")
	a, b, c := e.phone("budi", client.Options{}), e.phone("sari", client.Options{}), e.phone("tono", client.Options{})
	ctx := context.Background()

	id := newID()
	if _, err := a.Upsert("encounters", id, encounterFields(map[string]any{"place_description": "Lapangan Merdeka"})); err != nil {
		t.Fatal(err)
	}
	mustSync(t, a, b, c)
	if _, _, found, _ := c.Record("encounters", id); !found {
		t.Fatal("phone c did not receive the encounter")
	}

	// Offline edits: a and b both change the place; c changes the age; b
	// also sets the action.
	a.Upsert("encounters", id, map[string]any{"place_description": "Pasar Petisah"})
	b.Upsert("encounters", id, map[string]any{"place_description": "Jalan Gatot Subroto", "action_taken": "shelter"})
	c.Upsert("encounters", id, map[string]any{"estimated_age": 11})

	repA, err := a.Push(ctx)
	if err != nil {
		t.Fatal(err)
	}
	repB, err := b.Push(ctx)
	if err != nil {
		t.Fatal(err)
	}
	repC, err := c.Push(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := conflictsIn(repA); len(got) != 0 {
		t.Errorf("first push conflicted: %+v", got)
	}
	got := conflictsIn(repB)
	if len(got) != 1 || got[0].Field != "place_description" || got[0].Kind != syncproto.ConflictConcurrentEdit {
		t.Errorf("b's push: conflicts %+v, want one concurrent_edit on place_description", got)
	}
	if got := conflictsIn(repC); len(got) != 0 {
		t.Errorf("c edited another field and conflicted: %+v", got)
	}
	mustSync(t, a, b, c, a)

	admin := e.login("admin")
	server := admin.pullAll()["encounters/"+id]
	want, _ := server.FieldMap()
	for _, p := range []*client.Client{a, b, c} {
		fields, deleted, found, err := p.Record("encounters", id)
		if err != nil || !found || deleted {
			t.Fatalf("%s: found=%v deleted=%v err=%v", p.DeviceID(), found, deleted, err)
		}
		if !reflect.DeepEqual(canon(t, fields), canon(t, want)) {
			t.Errorf("phone %s differs from the server:\n phone  %s\n server %s", p.DeviceID(), canon(t, fields), canon(t, want))
		}
		if n, _ := p.Pending(); n != 0 {
			t.Errorf("phone %s still has %d pending changes", p.DeviceID(), n)
		}
	}
	if string(want["estimated_age"]) != "11" || string(want["action_taken"]) != `"shelter"` {
		t.Errorf("non-conflicting edits lost: %s", server.Fields)
	}

	// A later edit by a phone that has seen everything conflicts with nothing.
	a.Upsert("encounters", id, map[string]any{"place_description": "Final"})
	rep, err := a.Push(ctx)
	if err != nil || len(conflictsIn(rep)) != 0 {
		t.Fatalf("informed edit: %+v %v", conflictsIn(rep), err)
	}
}

func canon(t *testing.T, m map[string]json.RawMessage) map[string]any {
	t.Helper()
	out := map[string]any{}
	for k, v := range m {
		var x any
		if err := json.Unmarshal(v, &x); err != nil {
			t.Fatal(err)
		}
		out[k] = x
	}
	return out
}

// TestDeleteAndEditOnDeletedOverHTTP covers the record-level conflicts.
func TestDeleteConflictsOverHTTP(t *testing.T) {
	e := startServer(t)
	e.user("budi", "officer", "urc-1")
	e.user("sari", "officer", "urc-1")
	a, b := e.phone("budi", client.Options{}), e.phone("sari", client.Options{})
	ctx := context.Background()
	id := newID()
	a.Upsert("persons", id, map[string]any{"category": "gelandangan", "name": "Pak Ucok"})
	mustSync(t, a, b)
	a.Delete("persons", id)
	b.Upsert("persons", id, map[string]any{"notes": "seen again at the market"})
	if _, err := a.Push(ctx); err != nil {
		t.Fatal(err)
	}
	rep, err := b.Push(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := conflictsIn(rep); len(got) != 1 || got[0].Kind != syncproto.ConflictEditOnDeleted {
		t.Fatalf("conflicts %+v, want edit_on_deleted", got)
	}
	mustSync(t, a, b)
	for _, p := range []*client.Client{a, b} {
		if _, deleted, _, _ := p.Record("persons", id); !deleted {
			t.Fatalf("phone %s: the upsert resurrected a deleted record", p.DeviceID())
		}
	}
}

// TestClockSkewRestamp: a phone whose clock runs two hours fast gets its
// change re-stamped by the server and adopts the new stamp.
func TestClockSkewRestamp(t *testing.T) {
	e := startServer(t)
	e.user("budi", "officer", "urc-1")
	fast := e.phone("budi", client.Options{Now: func() time.Time { return time.Now().Add(2 * time.Hour) }})
	id := newID()
	fast.Upsert("encounters", id, encounterFields(nil))
	rep, err := fast.Push(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	r := rep.Results[0]
	if r.Status != syncproto.StatusApplied || r.Restamped == "" {
		t.Fatalf("result %+v, want applied and restamped", r)
	}
	h, err := syncproto.ParseHLC(r.Restamped)
	if err != nil || h.Node != syncproto.ServerNode || h.Time().After(time.Now().Add(time.Minute)) {
		t.Fatalf("restamp %q is not a server stamp near now", r.Restamped)
	}
	if err := fast.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	recs, _ := fast.Records("encounters")
	if recs[id].HLC != r.Restamped {
		t.Fatalf("phone keeps hlc %s, want the restamp %s", recs[id].HLC, r.Restamped)
	}
}
