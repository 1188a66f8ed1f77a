package sqlite

import (
	"context"
	"testing"

	"urcsync/server/core"
	"urcsync/syncproto"
)

func TestPullScopeAndPaging(t *testing.T) {
	db, _ := mustOpen(t, Options{})
	a := mustPhone(t, db, "budi", syncproto.RoleOfficer, "urc-1")
	b := mustPhone(t, db, "sari", syncproto.RoleOfficer, "urc-2")
	admin := mustPhone(t, db, "admin", syncproto.RoleAdmin, "kantor")
	for range 250 {
		a.push(t, db, a.change("encounters", newID(), "upsert", encounter(nil), ""))
	}
	for range 30 {
		b.push(t, db, b.change("encounters", newID(), "upsert", encounter(nil), ""))
	}
	gotA, cur := a.pullAll(t, db, "")
	if len(gotA) != 250 {
		t.Fatalf("team 1 pulled %d records, want 250", len(gotA))
	}
	for _, rc := range gotA {
		if fieldOf(t, rc, "team_id") != `"urc-1"` {
			t.Fatalf("another team's record leaked: %s", rc.Fields)
		}
	}
	gotB, _ := b.pullAll(t, db, "")
	if len(gotB) != 30 {
		t.Fatalf("team 2 pulled %d records, want 30", len(gotB))
	}
	all, _ := admin.pullAll(t, db, "")
	if len(all) != 280 {
		t.Fatalf("admin pulled %d records, want 280", len(all))
	}
	// Nothing new: an empty page at the end.
	resp, err := db.Pull(context.Background(), a.p, cur, 0, nil, nil)
	if err != nil || resp.Count != 0 || resp.HasMore {
		t.Fatalf("pull at the end: %+v %v", resp, err)
	}
	// A record changed again comes again.
	var one string
	for id := range gotA {
		one = id
		break
	}
	a.push(t, db, a.change("encounters", one, "upsert", map[string]any{"notes": "again"}, cur))
	again, _ := a.pullAll(t, db, cur)
	if len(again) != 1 || fieldOf(t, again[one], "notes") != `"again"` {
		t.Fatalf("pull after an edit: %d records", len(again))
	}
}

func TestPullLimitClampedAndCursorErrors(t *testing.T) {
	db, _ := mustOpen(t, Options{})
	a := mustPhone(t, db, "budi", syncproto.RoleOfficer, "urc-1")
	for range 3 {
		a.push(t, db, a.change("encounters", newID(), "upsert", encounter(nil), ""))
	}
	resp, err := db.Pull(context.Background(), a.p, "", 1, nil, nil)
	if err != nil || resp.Count != 1 || !resp.HasMore {
		t.Fatalf("limit 1: %d changes has_more=%v err=%v", resp.Count, resp.HasMore, err)
	}
	if resp, _ := db.Pull(context.Background(), a.p, "", 5000, nil, nil); resp.Count != 3 {
		t.Fatalf("limit 5000 clamped: %d changes", resp.Count)
	}
	if _, err := db.Pull(context.Background(), a.p, "bm90LWEtY3Vyc29y.xxxx", 0, nil, nil); core.ErrorCode(err) != syncproto.CodeInvalidCursor {
		t.Fatalf("forged cursor: %v, want invalid_cursor", err)
	}
	// The user moves team: the old cursor expires.
	adminP := mustPhone(t, db, "admin", syncproto.RoleAdmin, "kantor")
	team := "urc-2"
	if _, err := db.UpdateUser(context.Background(), adminP.p, a.p.UserID, core.UserPatch{TeamID: &team}); err != nil {
		t.Fatal(err)
	}
	a2 := mustPhone(t, db, "budi", "", "")
	if _, err := db.Pull(context.Background(), a2.p, resp.Cursor, 0, nil, nil); core.ErrorCode(err) != syncproto.CodeCursorExpired {
		t.Fatalf("cursor from before the team change: %v, want cursor_expired", err)
	}
}
