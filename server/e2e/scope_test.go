package e2e

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"urcsync/mobile-contract/client"
	"urcsync/syncproto"
)

// TestTeamScoping: records follow their team; other teams neither see nor
// write them.
func TestTeamScoping(t *testing.T) {
	e := startServer(t)
	e.user("budi", "officer", "urc-1")
	e.user("sari", "officer", "urc-2")
	e.user("admin", "admin", "kantor")
	one, two := e.login("budi"), e.login("sari")
	person := newID()
	if st, resp := one.push(one.change("persons", person, "upsert", map[string]any{"category": "pengemis"}, "")); st != 200 || resp.Results[0].Status != syncproto.StatusApplied {
		t.Fatalf("push: %d %+v", st, resp)
	}
	if got := two.pullAll(); len(got) != 0 {
		t.Fatalf("team 2 sees %d records of team 1", len(got))
	}
	if got := one.pullAll(); len(got) != 1 {
		t.Fatalf("team 1 sees %d records, want 1", len(got))
	}
	if got := e.login("admin").pullAll(); len(got) != 1 {
		t.Fatalf("admin sees %d records, want 1", len(got))
	}
	_, resp := two.push(
		two.change("persons", person, "upsert", map[string]any{"name": "X"}, ""),
		two.change("encounters", newID(), "upsert", encounterFields(map[string]any{"person_id": person}), ""),
	)
	if r := resp.Results[0]; r.Error == nil || r.Error.Code != syncproto.CodeForbidden {
		t.Errorf("writing another team's record: %+v, want forbidden", r)
	}
	if r := resp.Results[1]; r.Error == nil || r.Error.Code != syncproto.CodeInvalidReference {
		t.Errorf("referencing another team's record: %+v, want invalid_reference", r)
	}
	// Office endpoints: officers are refused; supervisors see their team only.
	if st, code := e.errorCode(one.token, http.MethodGet, "/v1/admin/rejected", nil); st != 403 || code != syncproto.CodeForbidden {
		t.Errorf("officer on /v1/admin/rejected: %d %s", st, code)
	}
}

// TestRevokeWipesPhone: a revoked device is told so and wipes its replica.
func TestRevokeWipesPhone(t *testing.T) {
	e := startServer(t)
	e.user("budi", "officer", "urc-1")
	e.user("kepala", "supervisor", "urc-1")
	ph := e.phone("budi", client.Options{})
	id := newID()
	ph.Upsert("encounters", id, encounterFields(nil))
	mustSync(t, ph)

	sup := e.login("kepala")
	var devs struct {
		Items []struct {
			ID       string `json:"id"`
			Username string `json:"username"`
		} `json:"items"`
	}
	if st := e.call(sup.token, http.MethodGet, "/v1/admin/devices", nil, &devs); st != 200 {
		t.Fatalf("devices: %d", st)
	}
	found := false
	for _, d := range devs.Items {
		found = found || d.ID == ph.DeviceID()
	}
	if !found {
		t.Fatalf("supervisor does not see the officer's device: %+v", devs)
	}
	if st := e.call(sup.token, http.MethodPost, "/v1/admin/devices/"+ph.DeviceID()+"/revoke", nil, nil); st != 200 {
		t.Fatalf("revoke: %d", st)
	}
	ph.Upsert("encounters", id, map[string]any{"notes": "after revoke"})
	_, err := ph.Push(context.Background())
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != syncproto.CodeDeviceRevoked {
		t.Fatalf("push after revoke: %v, want device_revoked", err)
	}
	if _, _, found, _ := ph.Record("encounters", id); found {
		t.Fatal("the revoked phone kept its replica")
	}
	if _, err := ph.Login(context.Background(), "budi", password, "HP"); !errors.As(err, &apiErr) || apiErr.Code != syncproto.CodeDeviceUnavailable {
		t.Fatalf("login on the revoked device: %v, want device_unavailable", err)
	}
}

// TestPullLimitClamped: limit outside 1…1000 is clamped, absent is 500.
func TestPullLimitClamped(t *testing.T) {
	e := startServer(t)
	e.user("budi", "officer", "urc-1")
	s := e.login("budi")
	for range 3 {
		s.push(s.change("encounters", newID(), "upsert", encounterFields(nil), ""))
	}
	for _, tc := range []struct {
		query string
		n     int
		more  bool
	}{{"", 3, false}, {"?limit=0", 1, true}, {"?limit=-5", 1, true}, {"?limit=2", 2, true}, {"?limit=99999", 3, false}} {
		var resp syncproto.PullResponse
		if st := e.call(s.token, http.MethodGet, "/v1/sync/pull"+tc.query, nil, &resp); st != 200 || len(resp.Changes) != tc.n || resp.HasMore != tc.more {
			t.Errorf("pull%s: %d, %d changes, has_more=%v; want %d, %v", tc.query, st, len(resp.Changes), resp.HasMore, tc.n, tc.more)
		}
	}
	if st, code := e.errorCode(s.token, http.MethodGet, "/v1/sync/pull?limit=abc", nil); st != 400 || code != syncproto.CodeInvalidRequest {
		t.Errorf("limit=abc: %d %s, want 400 invalid_request", st, code)
	}
}
