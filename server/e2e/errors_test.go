package e2e

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"urcsync/syncproto"
)

// TestPushChangeErrorCodes triggers every per-change code of §3 in one
// batch, over HTTP; the good change in the same batch is applied.
func TestPushChangeErrorCodes(t *testing.T) {
	e := startServer(t)
	e.user("budi", "officer", "urc-1")
	e.user("sari", "officer", "urc-2")
	e.user("kepala", "supervisor", "urc-1")
	s, other := e.login("budi"), e.login("sari")
	theirs := newID()
	other.push(other.change("persons", theirs, "upsert", map[string]any{"category": "pengemis"}, ""))
	mine := newID()
	first := s.change("encounters", mine, "upsert", encounterFields(nil), "")
	if _, resp := s.push(first); resp.Results[0].Status != syncproto.StatusApplied {
		t.Fatalf("setup push: %+v", resp.Results)
	}
	reused := s.change("encounters", mine, "upsert", map[string]any{"lat": 1.5}, "")
	reused["op_id"] = first["op_id"]
	foreign := syncproto.HLC{Millis: time.Now().UnixMilli(), Node: other.device}.String()

	cases := []struct {
		code   string
		change map[string]any
	}{
		{syncproto.CodeOpIDReused, reused},
		{syncproto.CodeInvalidHLC, s.change("encounters", mine, "upsert", map[string]any{"lat": 1.0}, "17642304-bad")},
		{syncproto.CodeInvalidHLC, s.change("encounters", mine, "upsert", map[string]any{"lat": 1.0}, foreign)},
		{syncproto.CodeUnknownCollection, s.change("vehicles", newID(), "upsert", map[string]any{"x": 1}, "")},
		{syncproto.CodeUnknownField, s.change("encounters", mine, "upsert", map[string]any{"shoe_size": 42}, "")},
		{syncproto.CodeInvalidField, s.change("encounters", mine, "upsert", map[string]any{"lon": 181}, "")},
		{syncproto.CodeInvalidField, s.change("encounters", mine, "upsert", map[string]any{"occurred_at": "last tuesday"}, "")},
		{syncproto.CodeInvalidField, s.change("encounters", mine, "upsert", map[string]any{"patrol_id": "not-a-uuid"}, "")},
		{syncproto.CodeMissingField, s.change("encounters", newID(), "upsert", map[string]any{"lat": 3.6, "lon": 98.7}, "")},
		{syncproto.CodeInvalidReference, s.change("encounters", newID(), "upsert", encounterFields(map[string]any{"person_id": theirs}), "")},
		{syncproto.CodeReadOnlyField, s.change("encounters", mine, "upsert", map[string]any{"created_by": newID()}, "")},
		{syncproto.CodeForbidden, s.change("persons", theirs, "delete", nil, "")},
		{syncproto.CodeInvalidCursor, withBase(s.change("encounters", mine, "upsert", map[string]any{"lat": 2.0}, ""), "bogus")},
	}
	changes := make([]map[string]any, 0, len(cases)+1)
	for _, c := range cases {
		changes = append(changes, c.change)
	}
	good := newID()
	changes = append(changes, s.change("encounters", good, "upsert", encounterFields(nil), ""))
	st, resp := s.push(changes...)
	if st != http.StatusOK {
		t.Fatalf("push: %d", st)
	}
	for i, c := range cases {
		r := resp.Results[i]
		if r.Status != syncproto.StatusRejected || r.Error == nil || r.Error.Code != c.code {
			t.Errorf("case %d: result %+v, want rejected %s", i, r, c.code)
		}
	}
	if r := resp.Results[len(cases)]; r.Status != syncproto.StatusApplied {
		t.Errorf("the good change was not applied: %+v", r)
	}
	if got := s.pullAll(); len(got) != 2 {
		t.Errorf("after the batch the team has %d records, want 2", len(got))
	}
	// Every rejected change is kept for the office.
	var rej struct {
		Items []struct {
			OpID  string                `json:"op_id"`
			Error syncproto.ChangeError `json:"error"`
		} `json:"items"`
	}
	if st := e.call(e.login("kepala").token, http.MethodGet, "/v1/admin/rejected?limit=100", nil, &rej); st != 200 {
		t.Fatalf("rejected list: %d", st)
	}
	if len(rej.Items) != len(cases) {
		t.Errorf("office sees %d rejected changes, want %d", len(rej.Items), len(cases))
	}
}

func withBase(c map[string]any, base string) map[string]any {
	c["base_cursor"] = base
	return c
}

// TestRequestErrorCodes triggers the request-level codes of §0–§4.
func TestRequestErrorCodes(t *testing.T) {
	e := startServer(t)
	e.user("budi", "officer", "urc-1")
	e.user("admin", "admin", "kantor")
	s := e.login("budi")
	push := "/v1/sync/push"
	bearer := map[string]string{"Content-Type": "application/json"}

	check := func(name string, st int, code string, wantSt int, wantCode string) {
		t.Helper()
		if st != wantSt || code != wantCode {
			t.Errorf("%s: %d %s, want %d %s", name, st, code, wantSt, wantCode)
		}
	}
	rawCode := func(token, method, path string, body []byte, headers map[string]string) (int, string) {
		var eb syncproto.ErrorBody
		st := e.raw(token, method, path, bytes.NewReader(body), headers, &eb)
		return st, eb.Error.Code
	}

	st, code := rawCode(s.token, "POST", push, []byte(`{"device_id": "x", "changes": [`), bearer)
	check("malformed JSON", st, code, 400, syncproto.CodeInvalidJSON)
	st, code = rawCode(s.token, "POST", push, []byte(strings.Repeat("[", 20000)+strings.Repeat("]", 20000)), bearer)
	check("deep nesting", st, code, 400, syncproto.CodeInvalidJSON)
	st, code = rawCode(s.token, "POST", push, []byte(`{"device_id": 5, "changes": "no"}`), bearer)
	check("wrong types", st, code, 400, syncproto.CodeInvalidRequest)
	st, code = rawCode(s.token, "POST", push, []byte(`<xml/>`), map[string]string{"Content-Type": "application/xml"})
	check("not JSON", st, code, 415, syncproto.CodeUnsupportedMedia)

	many := make([]map[string]any, 1001)
	for i := range many {
		many[i] = s.change("encounters", newID(), "upsert", encounterFields(nil), "")
	}
	st, code = e.errorCode(s.token, "POST", push, map[string]any{"device_id": s.device, "changes": many})
	check("1001 changes", st, code, 413, syncproto.CodePayloadTooLarge)
	huge := fmt.Sprintf(`{"device_id": %q, "changes": [], "pad": %q}`, s.device, strings.Repeat("x", 5<<20))
	st, code = rawCode(s.token, "POST", push, []byte(huge), bearer)
	check("5 MiB body", st, code, 413, syncproto.CodePayloadTooLarge)
	var bomb bytes.Buffer
	zw := gzip.NewWriter(&bomb)
	zw.Write([]byte(`{"device_id": "` + s.device + `", "changes": [], "pad": "`))
	zw.Write(bytes.Repeat([]byte("A"), 64<<20))
	zw.Write([]byte(`"}`))
	zw.Close()
	st, code = rawCode(s.token, "POST", push, bomb.Bytes(), map[string]string{"Content-Type": "application/json", "Content-Encoding": "gzip"})
	check("gzip bomb", st, code, 413, syncproto.CodePayloadTooLarge)

	st, code = e.errorCode(s.token, "POST", push, map[string]any{"device_id": newID(), "changes": []any{}})
	check("other device_id", st, code, 403, syncproto.CodeForbidden)
	st, code = e.errorCode("", "POST", push, map[string]any{"device_id": s.device, "changes": []any{}})
	check("no token", st, code, 401, syncproto.CodeUnauthenticated)
	st, code = e.errorCode("made-up-token", "GET", "/v1/sync/pull", nil)
	check("unknown token", st, code, 401, syncproto.CodeUnauthenticated)
	st, code = e.errorCode(s.token, "GET", "/v1/sync/pull?cursor=not-ours", nil)
	check("bad cursor", st, code, 400, syncproto.CodeInvalidCursor)

	// cursor_expired after a team change; the token ended with it.
	var pulled syncproto.PullResponse
	e.call(s.token, "GET", "/v1/sync/pull", nil, &pulled)
	admin := e.login("admin")
	var users struct {
		Items []struct{ ID, Username string } `json:"items"`
	}
	e.call(admin.token, "GET", "/v1/admin/users", nil, &users)
	var budiID string
	for _, u := range users.Items {
		if u.Username == "budi" {
			budiID = u.ID
		}
	}
	if st := e.call(admin.token, "PATCH", "/v1/admin/users/"+budiID, map[string]any{"team_id": "urc-9"}, nil); st != 200 {
		t.Fatalf("team change: %d", st)
	}
	st, code = e.errorCode(s.token, "GET", "/v1/sync/pull", nil)
	check("token after team change", st, code, 401, syncproto.CodeUnauthenticated)
	s2 := e.login("budi")
	st, code = e.errorCode(s2.token, "GET", "/v1/sync/pull?cursor="+pulled.Cursor, nil)
	check("cursor from before the team change", st, code, 410, syncproto.CodeCursorExpired)

	// user_disabled, then device_unavailable for another user on that device.
	if st := e.call(admin.token, "PATCH", "/v1/admin/users/"+budiID, map[string]any{"active": false}, nil); st != 200 {
		t.Fatalf("disable: %d", st)
	}
	st, code = e.errorCode(s2.token, "GET", "/v1/sync/pull", nil)
	check("disabled user", st, code, 401, syncproto.CodeUserDisabled)
	st, code = e.errorCode("", "POST", "/v1/auth/login", syncproto.LoginRequest{Username: "admin", Password: password, DeviceID: s2.device})
	check("device bound to another user", st, code, 403, syncproto.CodeDeviceUnavailable)
	st, code = e.errorCode(admin.token, "POST", "/v1/admin/devices/"+newID()+"/revoke", nil)
	check("revoke unknown device", st, code, 404, syncproto.CodeNotFound)
	st, code = e.errorCode(admin.token, "POST", "/v1/admin/users", map[string]any{"username": "budi", "password": "long-enough-1", "role": "officer", "team_id": "urc-1"})
	check("username taken", st, code, 409, syncproto.CodeUsernameTaken)

	// Logout ends the token.
	if st := e.call(admin.token, "POST", "/v1/auth/logout", nil, nil); st != 204 {
		t.Fatalf("logout: %d", st)
	}
	st, code = e.errorCode(admin.token, "GET", "/v1/admin/users", nil)
	check("after logout", st, code, 401, syncproto.CodeUnauthenticated)
}

// TestLoginThrottle: repeated failures for one (username, address) are
// slowed, then refused with 429 and Retry-After in seconds; another
// username from the same address is unaffected.
func TestLoginThrottle(t *testing.T) {
	e := startServer(t)
	e.user("budi", "officer", "urc-1")
	e.user("sari", "officer", "urc-1")
	bad := syncproto.LoginRequest{Username: "budi", Password: "wrong-password", DeviceID: newID()}
	for i := range 5 {
		if st, code := e.errorCode("", "POST", "/v1/auth/login", bad); st != 401 || code != syncproto.CodeInvalidCredentials {
			t.Fatalf("failure %d: %d %s", i, st, code)
		}
	}
	_, code := e.errorCode("", "POST", "/v1/auth/login", bad)
	req, _ := http.NewRequest("POST", e.srv.URL+"/v1/auth/login", strings.NewReader(mustJSON(bad)))
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.httpClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("after 6 failures: %d Retry-After=%q (previous code %s), want 429 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"), code)
	}
	// Someone else logging in from the same address is not locked out.
	if st, _ := e.errorCode("", "POST", "/v1/auth/login", syncproto.LoginRequest{Username: "sari", Password: password, DeviceID: newID()}); st != 200 {
		t.Fatalf("another user from the same address: %d", st)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
