package sqlite

import (
	"context"
	"encoding/json"
	"testing"

	"urcsync/syncproto"
)

// The records a pull writes in SQL are the bytes encoding/json writes for
// them: escapes, tombstones without fields, and the same member order.
func TestPulledRecordsAreWhatEncodingJSONWrites(t *testing.T) {
	db, _ := mustOpen(t, Options{})
	ph := mustPhone(t, db, "budi", syncproto.RoleOfficer, "urc-1")
	kept, gone := newID(), newID()
	ph.push(t, db,
		ph.change("encounters", kept, "upsert", encounter(map[string]any{"notes": `Bu "Ani" <70> & café ☕ \ tab	end`}), ""),
		ph.change("persons", gone, "upsert", map[string]any{"category": "pengemis", "name": "Pak Ucok"}, ""),
	)
	ph.push(t, db, ph.change("persons", gone, "delete", nil, ""))
	page, err := db.Pull(context.Background(), ph.p, "", 10, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := page.Decode()
	if err != nil {
		t.Fatal(err)
	}
	if page.Count != 2 || len(resp.Changes) != 2 {
		t.Fatalf("count %d, decoded %d records, want 2", page.Count, len(resp.Changes))
	}
	want, err := json.Marshal(resp.Changes)
	if err != nil {
		t.Fatal(err)
	}
	if string(page.Changes) != string(want) {
		t.Fatalf("pulled\n %s\nencoding/json writes\n %s", page.Changes, want)
	}
	for _, rc := range resp.Changes {
		if (rc.ID == gone) != rc.Deleted || (rc.Deleted && rc.Fields != nil) {
			t.Fatalf("record %s: deleted=%v fields=%s", rc.ID, rc.Deleted, rc.Fields)
		}
	}
}
