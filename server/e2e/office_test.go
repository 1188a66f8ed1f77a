package e2e

import (
	"encoding/json"
	"net/http"
	"testing"

	"urcsync/mobile-contract/client"
	"urcsync/syncproto"
)

// TestSupervisorResolvesAndPhonesLearn: two phones make a conflict, the
// supervisor resolves it through the API, and both phones pull the
// resolution; a photo review reaches the officer's phone the same way.
func TestSupervisorResolvesAndPhonesLearn(t *testing.T) {
	e := startServer(t)
	e.user("budi", "officer", "urc-1")
	e.user("sari", "officer", "urc-1")
	e.user("kepala", "supervisor", "urc-1")
	a, b := e.phone("budi", client.Options{}), e.phone("sari", client.Options{})
	id := newID()
	a.Upsert("encounters", id, encounterFields(map[string]any{"needs": "makanan"}))
	mustSync(t, a, b)
	a.Upsert("encounters", id, map[string]any{"needs": "makanan dan obat"})
	b.Upsert("encounters", id, map[string]any{"needs": "tempat tinggal"})
	mustSync(t, a, b)

	sup := e.login("kepala")
	var inbox struct {
		Items []struct {
			ID      string `json:"id"`
			Field   string `json:"field"`
			Current struct {
				Value json.RawMessage `json:"value"`
				User  string          `json:"user"`
			} `json:"current"`
			Other struct {
				Value json.RawMessage `json:"value"`
				User  string          `json:"user"`
			} `json:"other"`
		} `json:"items"`
	}
	if st := e.call(sup.token, http.MethodGet, "/v1/admin/conflicts?status=open", nil, &inbox); st != 200 || len(inbox.Items) != 1 {
		t.Fatalf("inbox: %d %+v", st, inbox)
	}
	c := inbox.Items[0]
	if c.Field != "needs" || c.Current.User == "" || c.Other.User == "" || c.Current.User == c.Other.User {
		t.Fatalf("conflict shown without both writers: %+v", c)
	}
	if st := e.call(sup.token, http.MethodPost, "/v1/admin/conflicts/"+c.ID+"/resolve",
		map[string]any{"resolution": "custom", "value": "makanan, obat dan tempat tinggal", "note": "digabung"}, nil); st != 200 {
		t.Fatalf("resolve: %d", st)
	}
	mustSync(t, a, b)
	for _, p := range []*client.Client{a, b} {
		f, _, _, _ := p.Record("encounters", id)
		if string(f["needs"]) != `"makanan, obat dan tempat tinggal"` {
			t.Errorf("phone %s has needs=%s after the resolution", p.DeviceID(), f["needs"])
		}
	}

	// A photo, reviewed as needing a retake.
	s := e.login("budi")
	ph := fixture(t, "medan.jpg")
	mid := s.mediaRecord(t, ph, 3.5952, 98.6722)
	if st, _, eb := s.put(mid, ph.bytes, ph.digest()); st != 201 {
		t.Fatalf("upload: %d %+v", st, eb)
	}
	var queue struct {
		Items []struct {
			ID    string   `json:"id"`
			Flags []string `json:"flags"`
		} `json:"items"`
	}
	if st := e.call(sup.token, http.MethodGet, "/v1/admin/media?review_status=pending", nil, &queue); st != 200 || len(queue.Items) != 1 || queue.Items[0].ID != mid {
		t.Fatalf("review queue: %d %+v", st, queue)
	}
	if st := e.call(sup.token, http.MethodPost, "/v1/admin/media/"+mid+"/review", map[string]any{"decision": "needs_retake", "note": "wajah tidak jelas"}, nil); st != 200 {
		t.Fatalf("review: %d", st)
	}
	mustSync(t, a)
	f, _, found, _ := a.Record("media", mid)
	if !found || string(f["review_status"]) != `"needs_retake"` || string(f["review_note"]) != `"wajah tidak jelas"` {
		t.Fatalf("the phone does not learn the review: %s %s", f["review_status"], f["review_note"])
	}

	// Resolving again the same way is fine; another way is refused.
	if st := e.call(sup.token, http.MethodPost, "/v1/admin/conflicts/"+c.ID+"/resolve",
		map[string]any{"resolution": "custom", "value": "makanan, obat dan tempat tinggal"}, nil); st != 200 {
		t.Fatalf("same resolution again: %d", st)
	}
	if st, code := e.errorCode(sup.token, http.MethodPost, "/v1/admin/conflicts/"+c.ID+"/resolve", map[string]any{"resolution": "keep_current"}); st != 409 || code != syncproto.CodeAlreadyResolved {
		t.Fatalf("another resolution: %d %s", st, code)
	}
}
