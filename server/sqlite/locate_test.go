package sqlite

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"urcsync/server/core"
	"urcsync/syncproto"
)

// TestLocateMedia: a photo's place in a review list agrees with the list
// itself, for every photo, under filters, and outside the caller's scope.
func TestLocateMedia(t *testing.T) {
	db, _ := mustOpen(t, Options{})
	ctx := context.Background()
	a := mustPhone(t, db, "budi", syncproto.RoleOfficer, "urc-1")
	other := mustPhone(t, db, "sari", syncproto.RoleOfficer, "urc-2")
	sup := mustPhone(t, db, "kepala", syncproto.RoleSupervisor, "urc-1")
	stored := func(ph *phone, n int) []string {
		enc := newID()
		changes := []json.RawMessage{ph.change("encounters", enc, "upsert", encounter(nil), "")}
		var ids []string
		for range n {
			id := newID()
			ids = append(ids, id)
			changes = append(changes, ph.change("media", id, "upsert", map[string]any{"encounter_id": enc, "sha256": strings.Repeat("ab", 32), "size": 10, "content_type": "image/jpeg"}, ""))
		}
		ph.push(t, db, changes...)
		for _, id := range ids {
			if _, err := db.MarkStored(ctx, id, core.ExifResult{}); err != nil {
				t.Fatal(err)
			}
		}
		return ids
	}
	// Photos of one push share created_at: their order falls to the id.
	stored(a, 3)
	stored(a, 2)
	theirs := stored(other, 1)
	mine := stored(a, 2)

	check := func(f core.MediaFilter) []core.MediaItem {
		t.Helper()
		f.Limit = 100
		list, _, err := db.ListMedia(ctx, sup.p, f)
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range list {
			place, err := db.LocateMedia(ctx, sup.p, strings.ToUpper(m.ID), f)
			if err != nil || !place.Found || place.Item.ID != m.ID {
				t.Fatalf("filter %+v: photo %d of %d: %+v %v", f, i, len(list), place, err)
			}
			want := core.MediaPlace{Item: m, Found: true}
			if i > 0 {
				want.Prev = list[i-1].ID
			}
			if i+1 < len(list) {
				want.Next = list[i+1].ID
			}
			if place.Prev != want.Prev || place.Next != want.Next {
				t.Fatalf("filter %+v: photo %d: prev %q next %q, want %q %q", f, i, place.Prev, place.Next, want.Prev, want.Next)
			}
		}
		return list
	}
	if list := check(core.MediaFilter{}); len(list) != 7 {
		t.Fatalf("urc-1 lists %d photos, want 7", len(list))
	}
	if _, err := db.ReviewMedia(ctx, sup.p, mine[0], core.Review{Decision: core.ReviewApproved}); err != nil {
		t.Fatal(err)
	}
	if list := check(core.MediaFilter{ReviewStatus: core.ReviewPending}); len(list) != 6 {
		t.Fatalf("pending lists %d photos, want 6", len(list))
	}
	if list := check(core.MediaFilter{ReviewStatus: core.ReviewApproved}); len(list) != 1 {
		t.Fatalf("approved lists %d photos, want 1", len(list))
	}
	for _, id := range []string{mine[0], theirs[0], newID()} {
		f := core.MediaFilter{ReviewStatus: core.ReviewPending}
		if place, err := db.LocateMedia(ctx, sup.p, id, f); err != nil || place.Found {
			t.Errorf("photo %s found in urc-1's pending list: %+v %v", id, place, err)
		}
	}
	if _, err := db.LocateMedia(ctx, a.p, mine[1], core.MediaFilter{}); core.ErrorCode(err) != syncproto.CodeForbidden {
		t.Errorf("an officer locating a photo: %v, want forbidden", err)
	}
}
