package e2e

import (
	"testing"

	"urcsync/syncproto"
)

// TestOfficeEndpointsByRole: every /v1/admin/ endpoint against every kind
// of caller — the officer, the supervisor of the record's team, the
// supervisor of another team and an admin — answers allowed, 403 or 404
// exactly as §6 says.
func TestOfficeEndpointsByRole(t *testing.T) {
	e := startServer(t)
	e.user("budi", "officer", "urc-1")
	e.user("sari", "officer", "urc-1")
	e.user("kepala", "supervisor", "urc-1")
	e.user("kepala2", "supervisor", "urc-2")
	e.user("admin", "admin", "kantor")
	a, b := e.login("budi"), e.login("sari")

	// A conflict, a stored photo and a deleted record of team urc-1.
	id := newID()
	a.push(a.change("encounters", id, "upsert", encounterFields(nil), ""))
	a.push(a.change("encounters", id, "upsert", map[string]any{"notes": "A"}, ""))
	_, resp := b.push(b.change("encounters", id, "upsert", map[string]any{"notes": "B"}, ""))
	if len(resp.Results[0].Conflicts) != 1 {
		t.Fatalf("setup: no conflict: %+v", resp.Results[0])
	}
	conflict := resp.Results[0].Conflicts[0].ConflictID
	p := fixture(t, "medan.jpg")
	photo := a.mediaRecord(t, p, 3.5952, 98.6722)
	if st, _, eb := a.put(photo, p.bytes, p.digest()); st != 201 {
		t.Fatalf("setup photo: %d %+v", st, eb)
	}
	gone := newID()
	a.push(a.change("persons", gone, "upsert", map[string]any{"category": "pengemis"}, ""))
	a.push(a.change("persons", gone, "delete", nil, ""))

	callers := map[string]*session{
		"officer": a, "supervisor": e.login("kepala"), "other_supervisor": e.login("kepala2"), "admin": e.login("admin"),
	}
	type want map[string]int // caller → status
	allOffice := want{"officer": 403, "supervisor": 200, "other_supervisor": 200, "admin": 200}
	teamOnly := want{"officer": 403, "supervisor": 200, "other_supervisor": 404, "admin": 200}
	adminOnly := want{"officer": 403, "supervisor": 403, "other_supervisor": 403, "admin": 200}

	type endpoint struct {
		name   string
		method string
		path   string
		body   func(caller string) any
		want   want
	}
	endpoints := []endpoint{
		{"ListConflicts", "GET", "/v1/admin/conflicts?status=open", nil, allOffice},
		{"GetConflict", "GET", "/v1/admin/conflicts/" + conflict, nil, teamOnly},
		{"ResolveConflict", "POST", "/v1/admin/conflicts/" + conflict + "/resolve", func(string) any { return map[string]any{"resolution": "keep_current", "note": "ok"} }, teamOnly},
		{"ListMedia", "GET", "/v1/admin/media?review_status=pending", nil, allOffice},
		{"ReviewMedia", "POST", "/v1/admin/media/" + photo + "/review", func(string) any { return map[string]any{"decision": "approved"} }, teamOnly},
		{"ListRejected", "GET", "/v1/admin/rejected", nil, allOffice},
		{"ListDevices", "GET", "/v1/admin/devices", nil, allOffice},
		{"ListAudit", "GET", "/v1/admin/audit", nil, allOffice},
		{"ListUsers", "GET", "/v1/admin/users", nil, adminOnly},
		{"CreateUser", "POST", "/v1/admin/users", func(caller string) any {
			return map[string]any{"username": "new-" + caller, "password": "long-enough-1", "role": "officer", "team_id": "urc-1"}
		}, want{"officer": 403, "supervisor": 403, "other_supervisor": 403, "admin": 201}},
		{"UpdateUser", "PATCH", "/v1/admin/users/" + b.user.ID, func(string) any { return map[string]any{"active": true} }, adminOnly},
		{"RevokeDevice", "POST", "/v1/admin/devices/" + b.device + "/revoke", nil, teamOnly},
		{"RestoreRecord", "POST", "/v1/admin/records/persons/" + gone + "/restore", nil, adminOnly},
		{"PurgeRecord", "POST", "/v1/admin/records/persons/" + gone + "/purge", func(string) any { return map[string]any{"reason": "data-subject request"} }, adminOnly},
		{"OriginalPhoto", "GET", "/v1/media/" + photo + "/content", nil, want{"officer": 200, "supervisor": 200, "other_supervisor": 404, "admin": 200}},
		{"Thumbnail", "GET", "/v1/media/" + photo + "/thumbnail", nil, want{"officer": 200, "supervisor": 200, "other_supervisor": 404, "admin": 200}},
	}
	order := []string{"officer", "other_supervisor", "supervisor", "admin"}
	for _, ep := range endpoints {
		for _, who := range order {
			t.Run(ep.name+"/"+who, func(t *testing.T) {
				var body any
				if ep.body != nil {
					body = ep.body(who)
				}
				var eb syncproto.ErrorBody
				st := e.call(callers[who].token, ep.method, ep.path, body, &eb)
				if st != ep.want[who] {
					t.Fatalf("%s %s as %s: %d (%s), want %d", ep.method, ep.path, who, st, eb.Error.Code, ep.want[who])
				}
				switch st {
				case 403:
					if eb.Error.Code != syncproto.CodeForbidden {
						t.Fatalf("403 with code %s", eb.Error.Code)
					}
				case 404:
					if eb.Error.Code != syncproto.CodeNotFound {
						t.Fatalf("404 with code %s", eb.Error.Code)
					}
				}
			})
		}
	}

	// The other team's supervisor's lists hold nothing of team urc-1.
	for _, path := range []string{"/v1/admin/conflicts", "/v1/admin/media", "/v1/admin/rejected"} {
		var list struct {
			Items []map[string]any `json:"items"`
		}
		e.call(callers["other_supervisor"].token, "GET", path, nil, &list)
		if len(list.Items) != 0 {
			t.Errorf("%s shows another team's supervisor %d items", path, len(list.Items))
		}
	}
	var devs struct {
		Items []struct {
			TeamID string `json:"team_id"`
		} `json:"items"`
	}
	e.call(callers["other_supervisor"].token, "GET", "/v1/admin/devices", nil, &devs)
	for _, d := range devs.Items {
		if d.TeamID != "urc-2" {
			t.Errorf("another team's supervisor sees a device of %s", d.TeamID)
		}
	}
}
