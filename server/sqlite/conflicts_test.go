package sqlite

import (
	"context"
	"testing"

	"urcsync/syncproto"
)

// conflictRow is a stored conflict as the tests inspect it.
type conflictRow struct {
	ID, Field, Kind, Status, Current, Other string
}

func conflictsOf(t *testing.T, db *DB, id string) []conflictRow {
	t.Helper()
	rows, err := db.read.QueryContext(context.Background(), `SELECT id, field, kind, status, current, other FROM conflicts WHERE record_id = ? ORDER BY created_at, id`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []conflictRow
	for rows.Next() {
		var c conflictRow
		if err := rows.Scan(&c.ID, &c.Field, &c.Kind, &c.Status, &c.Current, &c.Other); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

func TestConflictsRecordedExactlyWhenConcurrent(t *testing.T) {
	db, _ := mustOpen(t, Options{})
	a := mustPhone(t, db, "budi", syncproto.RoleOfficer, "urc-1")
	b := mustPhone(t, db, "sari", syncproto.RoleOfficer, "urc-1")
	c := mustPhone(t, db, "tono", syncproto.RoleOfficer, "urc-1")
	id := newID()
	wantStatus(t, a.push(t, db, a.change("encounters", id, "upsert", encounter(nil), ""))[0], syncproto.StatusApplied)
	_, base := a.pullAll(t, db, "")

	// All three phones saw the created record, then edit offline.
	ca := a.change("encounters", id, "upsert", map[string]any{"place_description": "Pasar Petisah", "notes": "a"}, base)
	cb := b.change("encounters", id, "upsert", map[string]any{"place_description": "Jalan Gatot Subroto"}, base)
	cc := c.change("encounters", id, "upsert", map[string]any{"estimated_age": 9}, base)

	if r := a.push(t, db, ca)[0]; len(r.Conflicts) != 0 {
		t.Fatalf("first write conflicted: %+v", r)
	}
	rb := b.push(t, db, cb)[0]
	if len(rb.Conflicts) != 1 || rb.Conflicts[0].Field != "place_description" || rb.Conflicts[0].Kind != syncproto.ConflictConcurrentEdit {
		t.Fatalf("b's concurrent edit: conflicts %+v, want one on place_description", rb.Conflicts)
	}
	if rc := c.push(t, db, cc)[0]; len(rc.Conflicts) != 0 {
		t.Fatalf("an edit of another field conflicted: %+v", rc)
	}

	// a edits again after seeing everything: no conflict.
	_, seen := a.pullAll(t, db, base)
	if r := a.push(t, db, a.change("encounters", id, "upsert", map[string]any{"place_description": "final"}, seen))[0]; len(r.Conflicts) != 0 {
		t.Fatalf("an informed edit conflicted: %+v", r)
	}
	// c (still on the old base) writes the same field again: conflict with
	// the winner; the earlier open conflict on that field is superseded.
	r := c.push(t, db, c.change("encounters", id, "upsert", map[string]any{"place_description": "c's"}, base))[0]
	if len(r.Conflicts) != 1 {
		t.Fatalf("c's stale edit: conflicts %+v, want 1", r.Conflicts)
	}
	rows := conflictsOf(t, db, id)
	if len(rows) != 2 || rows[0].Status != "superseded" || rows[1].Status != "open" {
		t.Fatalf("conflict rows %+v, want [superseded open]", rows)
	}

	// Every phone converges on the same record.
	want, _ := a.pullAll(t, db, "")
	for _, ph := range []*phone{b, c} {
		got, _ := ph.pullAll(t, db, "")
		if string(got[id].Fields) != string(want[id].Fields) {
			t.Fatalf("phones disagree:\n%s\n%s", got[id].Fields, want[id].Fields)
		}
	}
}

func TestDeleteConflicts(t *testing.T) {
	db, _ := mustOpen(t, Options{})
	a := mustPhone(t, db, "budi", syncproto.RoleOfficer, "urc-1")
	b := mustPhone(t, db, "sari", syncproto.RoleOfficer, "urc-1")

	t.Run("EditOnDeleted", func(t *testing.T) {
		id := newID()
		a.push(t, db, a.change("encounters", id, "upsert", encounter(nil), ""))
		_, base := a.pullAll(t, db, "")
		wantStatus(t, a.push(t, db, a.change("encounters", id, "delete", nil, base))[0], syncproto.StatusApplied)
		r := b.push(t, db, b.change("encounters", id, "upsert", map[string]any{"notes": "still here"}, base))[0]
		if len(r.Conflicts) != 1 || r.Conflicts[0].Kind != syncproto.ConflictEditOnDeleted {
			t.Fatalf("conflicts %+v, want edit_on_deleted", r.Conflicts)
		}
		got, _ := b.pullAll(t, db, "")
		if !got[id].Deleted || len(got[id].Fields) != 0 {
			t.Fatalf("the upsert undeleted the record or the tombstone carries fields: %+v", got[id])
		}
	})
	t.Run("DeleteOverEdit", func(t *testing.T) {
		id := newID()
		a.push(t, db, a.change("encounters", id, "upsert", encounter(nil), ""))
		_, base := a.pullAll(t, db, "")
		b.push(t, db, b.change("encounters", id, "upsert", map[string]any{"notes": "b edits"}, base))
		r := a.push(t, db, a.change("encounters", id, "delete", nil, base))[0]
		if len(r.Conflicts) != 1 || r.Conflicts[0].Kind != syncproto.ConflictDeleteOverEdit {
			t.Fatalf("conflicts %+v, want delete_over_edit", r.Conflicts)
		}
	})
	t.Run("InformedDeleteNoConflict", func(t *testing.T) {
		id := newID()
		a.push(t, db, a.change("encounters", id, "upsert", encounter(nil), ""))
		b.push(t, db, b.change("encounters", id, "upsert", map[string]any{"notes": "b edits"}, ""))
		_, seen := a.pullAll(t, db, "")
		if r := a.push(t, db, a.change("encounters", id, "delete", nil, seen))[0]; len(r.Conflicts) != 0 {
			t.Fatalf("an informed delete conflicted: %+v", r.Conflicts)
		}
	})
	t.Run("DeleteUnseenCreatesTombstone", func(t *testing.T) {
		id := newID()
		wantStatus(t, a.push(t, db, a.change("persons", id, "delete", nil, ""))[0], syncproto.StatusApplied)
		got, _ := a.pullAll(t, db, "")
		if !got[id].Deleted {
			t.Fatalf("no tombstone for a never-seen id: %+v", got[id])
		}
	})
}
