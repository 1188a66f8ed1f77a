package sqlite

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"urcsync/server/core"
	"urcsync/syncproto"
)

// conflicted makes a concurrent_edit on place_description of a new
// encounter: a writes "A", then b (not having seen it) writes "B".
func conflicted(t *testing.T, db *DB, a, b *phone) (string, string) {
	t.Helper()
	id := newID()
	a.push(t, db, a.change("encounters", id, "upsert", encounter(nil), ""))
	_, base := a.pullAll(t, db, "")
	a.push(t, db, a.change("encounters", id, "upsert", map[string]any{"place_description": "A"}, base))
	r := b.push(t, db, b.change("encounters", id, "upsert", map[string]any{"place_description": "B"}, base))[0]
	if len(r.Conflicts) != 1 {
		t.Fatalf("no conflict made: %+v", r)
	}
	return id, r.Conflicts[0].ConflictID
}

func TestResolveConflict(t *testing.T) {
	db, _ := mustOpen(t, Options{})
	ctx := context.Background()
	a := mustPhone(t, db, "budi", syncproto.RoleOfficer, "urc-1")
	b := mustPhone(t, db, "sari", syncproto.RoleOfficer, "urc-1")
	sup := mustPhone(t, db, "kepala", syncproto.RoleSupervisor, "urc-1")
	sup2 := mustPhone(t, db, "kepala2", syncproto.RoleSupervisor, "urc-2")

	id, cid := conflicted(t, db, a, b)
	list, _, err := db.ListConflicts(ctx, sup.p, core.ConflictFilter{Status: core.ConflictOpen})
	if err != nil || len(list) != 1 || list[0].ID != cid {
		t.Fatalf("inbox: %+v %v", list, err)
	}
	c := list[0]
	if c.Current.User == "" || c.Other.User == "" || c.Current.DeviceID == c.Other.DeviceID || len(c.Record.Fields) == 0 {
		t.Fatalf("conflict lacks who/which device/the record: %+v", c)
	}
	if got, _, _ := db.ListConflicts(ctx, sup2.p, core.ConflictFilter{}); len(got) != 0 {
		t.Fatalf("another team's supervisor sees %d conflicts", len(got))
	}
	if _, err := db.GetConflict(ctx, sup2.p, cid); core.ErrorCode(err) != syncproto.CodeNotFound {
		t.Fatalf("other team's GetConflict: %v", err)
	}
	if _, _, err := db.ListConflicts(ctx, a.p, core.ConflictFilter{}); core.ErrorCode(err) != syncproto.CodeForbidden {
		t.Fatalf("officer's inbox: %v", err)
	}

	loser := string(c.Other.Value)
	res, err := db.ResolveConflict(ctx, sup.p, cid, core.Resolution{Resolution: core.UseOther, Note: "checked with both officers"})
	if err != nil || res.Status != core.ConflictResolved || res.ResolvedBy != "kepala" {
		t.Fatalf("resolve: %+v %v", res, err)
	}
	got, _ := a.pullAll(t, db, "")
	if v := fieldOf(t, got[id], "place_description"); v != loser {
		t.Fatalf("after use_other the field is %s, want %s", v, loser)
	}
	if !strings.HasSuffix(got[id].HLC, syncproto.ServerNode) {
		t.Fatalf("resolution not stamped by the server: %s", got[id].HLC)
	}
	// Idempotent re-send; a different one is refused.
	if _, err := db.ResolveConflict(ctx, sup.p, cid, core.Resolution{Resolution: core.UseOther}); err != nil {
		t.Fatalf("same resolution again: %v", err)
	}
	if _, err := db.ResolveConflict(ctx, sup.p, cid, core.Resolution{Resolution: core.KeepCurrent}); core.ErrorCode(err) != syncproto.CodeAlreadyResolved {
		t.Fatalf("other resolution on a resolved conflict: %v", err)
	}

	// Stale: the field moved on after the conflict.
	id2, cid2 := conflicted(t, db, a, b)
	_, seen := a.pullAll(t, db, "")
	a.push(t, db, a.change("encounters", id2, "upsert", map[string]any{"place_description": "later"}, seen))
	_, err = db.ResolveConflict(ctx, sup.p, cid2, core.Resolution{Resolution: core.UseOther})
	if e, ok := core.AsError(err); !ok || e.Code != syncproto.CodeConflictStale || e.Details["present"] == nil {
		t.Fatalf("stale resolution: %v", err)
	}

	// Custom values are validated like a push.
	_, cid3 := conflicted(t, db, a, b)
	if _, err := db.ResolveConflict(ctx, sup.p, cid3, core.Resolution{Resolution: core.Custom, Value: json.RawMessage(`12`)}); core.ErrorCode(err) != syncproto.CodeInvalidField {
		t.Fatalf("custom value of the wrong type: %v", err)
	}
	if _, err := db.ResolveConflict(ctx, sup.p, cid3, core.Resolution{Resolution: core.Custom, Value: json.RawMessage(`"Jl. Sisingamangaraja"`)}); err != nil {
		t.Fatalf("custom: %v", err)
	}
	items, _, _ := db.ListAudit(ctx, sup.p, core.Page{Limit: 500})
	n := 0
	for _, it := range items {
		if it.Action == "conflict_resolved" {
			n++
		}
	}
	if n != 2 {
		t.Fatalf("%d conflict_resolved audit entries, want 2", n)
	}
}

func TestReviewAndPurge(t *testing.T) {
	db, _ := mustOpen(t, Options{MediaFlags: func(f core.MediaFacts) []string {
		if !f.HasExif {
			return []string{"no_exif"}
		}
		return nil
	}})
	ctx := context.Background()
	a := mustPhone(t, db, "budi", syncproto.RoleOfficer, "urc-1")
	sup := mustPhone(t, db, "kepala", syncproto.RoleSupervisor, "urc-1")
	admin := mustPhone(t, db, "admin", syncproto.RoleAdmin, "kantor")
	enc, id := newID(), newID()
	a.push(t, db, a.change("encounters", enc, "upsert", encounter(map[string]any{"person_name": "Ucok"}), ""))
	a.push(t, db, a.change("media", id, "upsert", map[string]any{"encounter_id": enc, "sha256": strings.Repeat("ab", 32), "size": 10, "content_type": "image/jpeg"}, ""))
	if _, err := db.MarkStored(ctx, id, core.ExifResult{}); err != nil {
		t.Fatal(err)
	}
	queue, _, err := db.ListMedia(ctx, sup.p, core.MediaFilter{ReviewStatus: core.ReviewPending, Flag: "no_exif"})
	if err != nil || len(queue) != 1 || queue[0].Username != "budi" {
		t.Fatalf("review queue: %+v %v", queue, err)
	}
	if got, _, _ := db.ListMedia(ctx, sup.p, core.MediaFilter{EncounterID: enc}); len(got) != 1 || got[0].ID != id {
		t.Fatalf("photos of the encounter: %+v", got)
	}
	if got, _, _ := db.ListMedia(ctx, sup.p, core.MediaFilter{EncounterID: newID()}); len(got) != 0 {
		t.Fatalf("photos of another encounter: %+v", got)
	}
	if _, err := db.ReviewMedia(ctx, sup.p, id, core.Review{Decision: "maybe"}); core.ErrorCode(err) != syncproto.CodeInvalidRequest {
		t.Fatalf("bad decision: %v", err)
	}
	m, err := db.ReviewMedia(ctx, sup.p, id, core.Review{Decision: core.ReviewNeedsRetake, Note: "blurry"})
	if err != nil || m.ReviewStatus != core.ReviewNeedsRetake {
		t.Fatalf("review: %+v %v", m, err)
	}
	got, _ := a.pullAll(t, db, "")
	if fieldOf(t, got[id], "review_status") != `"needs_retake"` || fieldOf(t, got[id], "review_note") != `"blurry"` {
		t.Fatalf("the phone does not learn the review: %s", got[id].Fields)
	}
	if q, _, _ := db.ListMedia(ctx, sup.p, core.MediaFilter{ReviewStatus: core.ReviewPending}); len(q) != 0 {
		t.Fatalf("reviewed photo still pending: %d", len(q))
	}

	if err := db.PurgeRecord(ctx, sup.p, "encounters", enc, core.Purge{Reason: "x"}); core.ErrorCode(err) != syncproto.CodeForbidden {
		t.Fatalf("supervisor purge: %v", err)
	}
	if err := db.PurgeRecord(ctx, admin.p, "encounters", enc, core.Purge{}); core.ErrorCode(err) != syncproto.CodeInvalidRequest {
		t.Fatalf("purge without reason: %v", err)
	}
	if err := db.PurgeRecord(ctx, admin.p, "encounters", enc, core.Purge{Reason: "data-subject request 2026/11"}); err != nil {
		t.Fatal(err)
	}
	got, _ = a.pullAll(t, db, "")
	if !got[enc].Deleted || len(got[enc].Fields) != 0 {
		t.Fatalf("purged record: %+v", got[enc])
	}
	var state string
	db.read.QueryRow(`SELECT state FROM records WHERE id = ?`, enc).Scan(&state)
	if strings.Contains(state, "Ucok") {
		t.Fatalf("purged data still stored: %s", state)
	}
	// A phone that still has it cannot bring it back.
	a.push(t, db, a.change("encounters", enc, "upsert", map[string]any{"person_name": "Ucok"}, ""))
	got, _ = a.pullAll(t, db, "")
	if !got[enc].Deleted {
		t.Fatal("a purged record was resurrected")
	}
}

func TestOfficeSessions(t *testing.T) {
	db, _ := mustOpen(t, Options{})
	ctx := context.Background()
	admin := mustPhone(t, db, "admin", syncproto.RoleAdmin, "kantor")
	mustPhone(t, db, "budi", syncproto.RoleOfficer, "urc-1")
	sup := mustPhone(t, db, "kepala", syncproto.RoleSupervisor, "urc-1")
	if _, _, _, err := db.StartSession(ctx, "budi", "password-123", "10.0.0.2"); core.ErrorCode(err) != syncproto.CodeForbidden {
		t.Fatalf("officer session: %v", err)
	}
	if _, _, _, err := db.StartSession(ctx, "kepala", "nope-nope", "10.0.0.2"); core.ErrorCode(err) != syncproto.CodeInvalidCredentials {
		t.Fatalf("wrong password: %v", err)
	}
	token, p, csrf, err := db.StartSession(ctx, "kepala", "password-123", "10.0.0.2")
	if err != nil || p.Username != "kepala" || csrf == "" || token == "" {
		t.Fatalf("session: %v", err)
	}
	if got, gotCSRF, err := db.Session(ctx, token); err != nil || got.UserID != sup.p.UserID || gotCSRF != csrf {
		t.Fatalf("resolve session: %+v %v", got, err)
	}
	off := false
	if _, err := db.UpdateUser(ctx, admin.p, sup.p.UserID, core.UserPatch{Active: &off}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.Session(ctx, token); core.ErrorCode(err) != syncproto.CodeUnauthenticated {
		t.Fatalf("session of a disabled user: %v", err)
	}
	token2, _, _, err := db.StartSession(ctx, "admin", "password-123", "10.0.0.2")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.EndSession(ctx, token2); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.Session(ctx, token2); core.ErrorCode(err) != syncproto.CodeUnauthenticated {
		t.Fatalf("session after logout: %v", err)
	}
}
