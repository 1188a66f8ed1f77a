package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"urcsync/syncproto"
)

func TestWebConflictInboxAndResolve(t *testing.T) {
	e := newEnv(t)
	a := e.user("budi", syncproto.RoleOfficer, "urc-1")
	bp := e.user("sari", syncproto.RoleOfficer, "urc-1")
	sup := e.user("kepala", syncproto.RoleSupervisor, "urc-1")
	enc, cid := e.conflict(a, bp, "Pasar Petisah", "Jalan <b>Gatot</b> Subroto")
	before, err := e.db.GetConflict(context.Background(), sup.p, cid)
	if err != nil {
		t.Fatal(err)
	}
	photo := e.photo(a, enc, "medan.jpg")

	b := e.browser()
	b.login("kepala")
	resp, body := b.get("/admin/conflicts")
	expectStatus(t, resp, 200, body)
	for _, want := range []string{"Pasar Petisah", "Jalan &lt;b&gt;Gatot&lt;/b&gt; Subroto", "budi", "sari", "Keterangan tempat", cid} {
		if !strings.Contains(body, want) {
			t.Errorf("inbox lacks %q", want)
		}
	}
	if strings.Contains(body, "<b>Gatot</b>") {
		t.Errorf("user text not escaped in the inbox")
	}

	resp, body = b.get("/admin/conflicts/" + cid)
	expectStatus(t, resp, 200, body)
	for _, want := range []string{"Nilai sekarang (menang)", "Nilai lain (kalah)", "Anak Jalanan", "https://www.openstreetmap.org/?mlat=3.5952&amp;mlon=98.6722",
		"/admin/media/" + photo + "/thumbnail", `loading="lazy"`, a.p.DeviceID, bp.p.DeviceID} {
		if !strings.Contains(body, want) {
			t.Errorf("detail lacks %q", want)
		}
	}

	// The thumbnail is served under the session.
	resp, img := b.get("/admin/media/" + photo + "/thumbnail")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" || len(img) < 100 {
		t.Fatalf("thumbnail: %d %s %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), len(img))
	}

	// Custom value with bad JSON is refused and nothing changes.
	resp, body = b.post("/admin/conflicts/"+cid+"/resolve", url.Values{"resolution": {"custom"}, "value_kind": {"json"}, "value": {"{nope"}})
	expectStatus(t, resp, http.StatusBadRequest, body)

	resp, body = b.post("/admin/conflicts/"+cid+"/resolve", url.Values{"resolution": {"use_other"}, "note": {"cek dengan <petugas>"}})
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "msg=resolved") {
		t.Fatalf("resolve: %d %s %s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	_, body = b.get(resp.Header.Get("Location"))
	if !strings.Contains(body, "Konflik diselesaikan.") || !strings.Contains(body, "cek dengan &lt;petugas&gt;") {
		t.Errorf("after resolve: no confirmation or note")
	}
	got, _ := a.pull()
	if v := string(got["encounters/"+enc]["place_description"]); v != string(before.Other.Value) {
		t.Fatalf("place_description after use_other: %s, want %s", v, before.Other.Value)
	}

	resp, body = b.post("/admin/conflicts/"+cid+"/resolve", url.Values{"resolution": {"keep_current"}})
	expectStatus(t, resp, http.StatusConflict, body)
	if !strings.Contains(body, "sudah diselesaikan dengan keputusan lain") {
		t.Errorf("already_resolved: no message")
	}

	// A stale conflict: the field moved on since.
	enc2, cid2 := e.conflict(a, bp, "A", "B")
	_, seen := a.pull()
	a.push(a.change("encounters", enc2, map[string]any{"place_description": "Belakangan"}, seen))
	b.get("/admin/conflicts/" + cid2)
	resp, body = b.post("/admin/conflicts/"+cid2+"/resolve", url.Values{"resolution": {"use_other"}})
	expectStatus(t, resp, http.StatusConflict, body)
	if !strings.Contains(body, "sudah berubah sejak konflik dicatat") || !strings.Contains(body, "Belakangan") {
		t.Errorf("conflict_stale: no message with the present value:\n%s", lastChars(body, 3000))
	}

	// Quick decision from the inbox returns to the inbox.
	_, cid3 := e.conflict(a, bp, "C", "D")
	b.get("/admin/conflicts")
	resp, _ = b.post("/admin/conflicts/"+cid3+"/resolve", url.Values{"resolution": {"keep_current"}, "back": {"/admin/conflicts?status=open"}})
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "/admin/conflicts?") || !strings.Contains(loc, "msg=resolved") {
		t.Errorf("quick decision redirected to %q", loc)
	}
	resp, _ = b.post("/admin/conflicts/"+cid3+"/resolve", url.Values{"resolution": {"keep_current"}, "back": {"https://evil.example/"}})
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "/admin/conflicts/"+cid3) {
		t.Errorf("foreign back address followed: %q", loc)
	}
}

// TestWebScope: a supervisor of another team sees none of urc-1's
// conflicts or photos; an admin sees them.
func TestWebScope(t *testing.T) {
	e := newEnv(t)
	a := e.user("budi", syncproto.RoleOfficer, "urc-1")
	bp := e.user("sari", syncproto.RoleOfficer, "urc-1")
	e.user("lain", syncproto.RoleSupervisor, "urc-2")
	e.user("admin", syncproto.RoleAdmin, "kantor")
	enc, cid := e.conflict(a, bp, "Rahasia Satu", "Rahasia Dua")
	photo := e.photo(a, enc, "medan.jpg")

	b := e.browser()
	b.login("lain")
	// Lists first: the audit then holds no out-of-scope attempt of this
	// user naming the ids.
	for _, c := range []struct {
		path string
		want int
	}{
		{"/admin/conflicts", 200},
		{"/admin/conflicts?status=all", 200},
		{"/admin/photos?status=all", 200},
		{"/admin/devices", 200},
		{"/admin/rejected", 200},
		{"/admin/audit", 200},
		{"/admin/users", 403},
		{"/admin/conflicts/" + cid, 404},
		{"/admin/photos/" + photo, 404},
		{"/admin/media/" + photo + "/thumbnail", 404},
		{"/admin/media/" + photo + "/preview", 404},
	} {
		resp, body := b.get(c.path)
		if resp.StatusCode != c.want {
			t.Errorf("%s: %d, want %d", c.path, resp.StatusCode, c.want)
		}
		for _, leak := range []string{"Rahasia", cid, photo, "budi", a.p.DeviceID} {
			if c.want == 200 && strings.Contains(body, leak) {
				t.Errorf("%s shows %q to another team", c.path, leak)
			}
		}
	}
	if _, body := b.get("/admin/conflicts/" + cid); strings.Contains(body, "Rahasia") {
		t.Errorf("another team's conflict page shows its values")
	}
	resp, body := b.post("/admin/conflicts/"+cid+"/resolve", url.Values{"resolution": {"use_other"}, "csrf": {b.csrf}})
	expectStatus(t, resp, http.StatusNotFound, body)

	adm := e.browser()
	adm.login("admin")
	_, body = adm.get("/admin/conflicts")
	if !strings.Contains(body, "Rahasia Satu") {
		t.Errorf("admin does not see urc-1's conflict")
	}
}
