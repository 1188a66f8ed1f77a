package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"urcsync/syncproto"
)

func TestWebPhotoReview(t *testing.T) {
	e := newEnv(t)
	a := e.user("budi", syncproto.RoleOfficer, "urc-1")
	e.user("kepala", syncproto.RoleSupervisor, "urc-1")
	enc := "0190f0e4-0000-7000-8000-000000000001"
	a.push(a.change("encounters", enc, map[string]any{"category": "pengemis", "lat": 3.5952, "lon": 98.6722, "occurred_at": "2026-11-20T10:00:00+07:00"}, ""))
	p1 := e.photo(a, enc, "medan.jpg")
	p2 := e.photo(a, enc, "far_away.jpg")
	p3 := e.photo(a, enc, "no_exif.jpg")

	b := e.browser()
	b.login("kepala")
	resp, body := b.get("/admin/photos")
	expectStatus(t, resp, 200, body)
	for _, want := range []string{`src="/admin/media/` + p1 + `/thumbnail" loading="lazy"`, "Lokasi tidak cocok", "Tanpa EXIF",
		"foto &lt;b&gt;medan.jpg&lt;/b&gt;", "review.js", "data-review-grid"} {
		if !strings.Contains(body, want) {
			t.Errorf("grid lacks %q", want)
		}
	}
	_, body = b.get("/admin/photos?flag=location_mismatch")
	if !strings.Contains(body, p2) || strings.Contains(body, p1) || strings.Contains(body, p3) {
		t.Errorf("flag filter: want only %s", p2)
	}

	// The large view: preview, map links, neighbours in the list.
	resp, body = b.get("/admin/photos/" + p2)
	expectStatus(t, resp, 200, body)
	for _, want := range []string{"/admin/media/" + p2 + "/preview", "https://www.openstreetmap.org/?mlat=-6.2", "data-next", "data-prev", "Posisi GPS di foto lebih dari 1 km"} {
		if !strings.Contains(body, want) {
			t.Errorf("large view lacks %q", want)
		}
	}
	resp, img := b.get("/admin/media/" + p2 + "/preview")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" || len(img) < 1000 {
		t.Errorf("preview: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}

	// As the grid's script does it: JSON back.
	resp, body = b.post("/admin/photos/"+p1+"/review", url.Values{"decision": {"approved"}}, "Accept", "application/json")
	expectStatus(t, resp, 200, body)
	var got struct {
		Status string `json:"review_status"`
		Label  string `json:"label"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil || got.Status != "approved" || got.Label != "Disetujui" {
		t.Errorf("JSON review: %s", body)
	}
	// Without the token the script gets a JSON 403.
	resp, body = b.post("/admin/photos/"+p1+"/review", url.Values{"decision": {"rejected"}, "csrf": {""}}, "Accept", "application/json")
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, `"code":"forbidden"`) {
		t.Errorf("JSON review without token: %d %s", resp.StatusCode, body)
	}

	// From the large view: on to the next pending photo.
	_, body = b.get("/admin/photos/" + p3)
	resp, _ = b.post("/admin/photos/"+p3+"/review", url.Values{"decision": {"needs_retake"}, "note": {"buram"}, "from": {"photo"}, "status": {"pending"}})
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/admin/photos/"+p2) {
		t.Errorf("after review in the large view: %d → %q, want the next pending photo %s", resp.StatusCode, loc, p2)
	}
	resp, _ = b.post("/admin/photos/"+p2+"/review", url.Values{"decision": {"rejected"}, "from": {"photo"}, "status": {"pending"}})
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "/admin/photos?") {
		t.Errorf("last pending photo reviewed: → %q, want the grid", loc)
	}
	resp, body = b.post("/admin/photos/"+p2+"/review", url.Values{"decision": {"maybe"}, "from": {"photo"}})
	expectStatus(t, resp, http.StatusBadRequest, body)

	recs, _ := a.pull()
	for id, want := range map[string]string{p1: "approved", p2: "rejected", p3: "needs_retake"} {
		if got := string(recs["media/"+id]["review_status"]); got != `"`+want+`"` {
			t.Errorf("%s: review_status %s, want %s", id, got, want)
		}
	}
	if got := string(recs["media/"+p3]["review_note"]); got != `"buram"` {
		t.Errorf("review note: %s", got)
	}
	_, body = b.get("/admin/photos")
	if !strings.Contains(body, "Tidak ada foto dengan saringan ini.") {
		t.Errorf("pending grid not empty after reviewing all")
	}
	_, body = b.get("/admin/photos/" + p3)
	if !strings.Contains(body, "Perlu foto ulang") || !strings.Contains(body, "buram") {
		t.Errorf("reviewed photo's large view lacks its status and note")
	}
}
