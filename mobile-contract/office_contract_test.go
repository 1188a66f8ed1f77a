package contract_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	contract "urcsync/mobile-contract"
	"urcsync/mobile-contract/contracttest"
	"urcsync/server/schema"
	"urcsync/syncproto"
)

// The office's endpoints (protocol §6): conflicts, photo review, audit,
// restore and purge.

// officeOperations are the /v1/admin/ operations of §6 that only office
// roles may call: each documents 403 for officers, and those that name one
// item 404 for items outside a supervisor's team.
var officeOperations = map[string]bool{ // operation → names one item
	"GET /v1/admin/conflicts":                          false,
	"GET /v1/admin/conflicts/{id}":                     true,
	"POST /v1/admin/conflicts/{id}/resolve":            true,
	"GET /v1/admin/media":                              false,
	"POST /v1/admin/media/{id}/review":                 true,
	"GET /v1/admin/audit":                              false,
	"POST /v1/admin/records/{collection}/{id}/restore": true,
	"POST /v1/admin/records/{collection}/{id}/purge":   true,
}

func TestOfficeOperations(t *testing.T) {
	doc := document(t)
	for name, one := range officeOperations {
		method, p, _ := strings.Cut(name, " ")
		item := doc.Paths.Find(p)
		if item == nil || item.GetOperation(method) == nil {
			t.Errorf("%s: not documented", name)
			continue
		}
		op := item.GetOperation(method)
		if !slices.Contains(op.Tags, "admin") {
			t.Errorf("%s: not tagged admin", name)
		}
		statuses := []int{401, 403, 500}
		if one {
			statuses = append(statuses, 404)
		}
		if op.RequestBody != nil {
			statuses = append(statuses, 400, 413, 415)
		}
		for _, st := range statuses {
			if op.Responses.Status(st) == nil {
				t.Errorf("%s: %d not documented", name, st)
			}
		}
		if method == http.MethodGet && !one {
			// A paged list: cursor and limit, and 400 invalid_cursor.
			for _, q := range []string{"cursor", "limit"} {
				if op.Parameters.GetByInAndName("query", q) == nil {
					t.Errorf("%s: no %s parameter", name, q)
				}
			}
		}
	}
}

// mutate returns a copy of the example with f applied to it.
func mutate(t *testing.T, name string, f func(m map[string]any)) any {
	t.Helper()
	var m map[string]any
	readExample(t, name, &m)
	f(m)
	return m
}

func TestOfficeSchemasReject(t *testing.T) {
	doc := document(t)
	bad := []struct {
		why       string
		component string
		value     any
	}{
		{"concurrent_edit without a field", "Conflict", mutate(t, "conflict.json", func(m map[string]any) { delete(m, "field") })},
		{"record-level with a field", "Conflict", mutate(t, "conflict.json", func(m map[string]any) { m["kind"] = "edit_on_deleted" })},
		{"unknown kind", "Conflict", mutate(t, "conflict.json", func(m map[string]any) { m["kind"] = "merge" })},
		{"unknown status", "Conflict", mutate(t, "conflict.json", func(m map[string]any) { m["status"] = "closed" })},
		{"no record", "Conflict", mutate(t, "conflict.json", func(m map[string]any) { delete(m, "record") })},
		{"side without hlc", "Conflict", mutate(t, "conflict.json", func(m map[string]any) { delete(m["current"].(map[string]any), "hlc") })},
		{"side with a loose time", "Conflict", mutate(t, "conflict.json", func(m map[string]any) { m["other"].(map[string]any)["at"] = "2025-11-27T15:11:45+07:00" })},
		{"open with a resolution", "Conflict", mutate(t, "conflict.json", func(m map[string]any) { m["resolution"] = "keep_current" })},
		{"resolved without resolved_at", "Conflict", mutate(t, "resolve_response.json", func(m map[string]any) { delete(m, "resolved_at") })},
		{"keep_current with a value", "Conflict", mutate(t, "resolve_response.json", func(m map[string]any) { m["resolution"] = "keep_current" })},
		{"custom without a value", "Resolution", mutate(t, "resolve_request.json", func(m map[string]any) { delete(m, "value") })},
		{"unknown resolution", "Resolution", mutate(t, "resolve_request.json", func(m map[string]any) { m["resolution"] = "merge" })},
		{"unknown decision", "Review", mutate(t, "review_request.json", func(m map[string]any) { m["decision"] = "pending" })},
		{"unknown flag", "MediaItem", mutate(t, "media_item.json", func(m map[string]any) { m["flags"] = []any{"blurry"} })},
		{"photo not stored", "MediaItem", mutate(t, "media_item.json", func(m map[string]any) {
			m["record"].(map[string]any)["content_status"] = "awaiting_content"
		})},
		{"last page with a cursor", "AuditList", mutate(t, "audit_page.json", func(m map[string]any) { m["has_more"] = false })},
		{"more without a cursor", "AuditList", mutate(t, "audit_page.json", func(m map[string]any) { m["cursor"] = "" })},
		{"hash not lowercase hex", "AuditList", mutate(t, "audit_page.json", func(m map[string]any) {
			e := m["items"].([]any)[0].(map[string]any)
			e["hash"] = strings.ToUpper(e["hash"].(string))
		})},
		{"seq as a string", "AuditList", mutate(t, "audit_page.json", func(m map[string]any) { m["items"].([]any)[0].(map[string]any)["seq"] = "43" })},
		{"details not an object", "AuditList", mutate(t, "audit_page.json", func(m map[string]any) { m["items"].([]any)[0].(map[string]any)["details"] = "x" })},
		{"empty reason", "Purge", map[string]any{"reason": ""}},
		{"no reason", "Purge", map[string]any{}},
		{"not purged", "Purged", map[string]any{"collection": "persons", "id": "0190a8f2-8000-7000-8000-000000000001", "purged": false}},
		{"uppercase id", "Purged", map[string]any{"collection": "persons", "id": "0190A8F2-8000-7000-8000-000000000001", "purged": true}},
	}
	for _, b := range bad {
		if err := visit(t, doc, b.component, b.value, false); err == nil {
			t.Errorf("%s accepted: %s", b.component, b.why)
		}
	}

	good := []struct {
		why       string
		component string
		value     any
	}{
		{"a record-level conflict after a purge", "Conflict", mutate(t, "conflict.json", func(m map[string]any) {
			delete(m, "field")
			m["kind"], m["status"] = "edit_on_deleted", "superseded"
			m["current"].(map[string]any)["value"] = nil
			m["other"].(map[string]any)["value"] = nil
			m["record"] = map[string]any{"collection": "encounters", "id": m["record_id"], "deleted": true,
				"hlc": "1764234151775-00000-00000000-0000-0000-0000-000000000000"}
		})},
		{"a server write on one side", "Conflict", mutate(t, "conflict.json", func(m map[string]any) {
			s := m["current"].(map[string]any)
			s["device_id"], s["user_id"], s["user"] = syncproto.ServerNode, "", ""
			s["hlc"] = "1764230412300-00000-" + syncproto.ServerNode
		})},
		{"keep_current without a note", "Conflict", mutate(t, "resolve_response.json", func(m map[string]any) {
			m["resolution"] = "keep_current"
			delete(m, "value")
			delete(m, "note")
		})},
		{"custom clearing the field", "Resolution", map[string]any{"resolution": "custom", "value": nil}},
		{"a failed login by an unknown username", "AuditList", mutate(t, "audit_page.json", func(m map[string]any) {
			e := m["items"].([]any)[0].(map[string]any)
			e["action"], e["user_id"], e["team_id"], e["username"] = "login_failed", "", "", "nobody"
		})},
		{"an entry from the web pages", "AuditList", mutate(t, "audit_page.json", func(m map[string]any) {
			m["items"].([]any)[0].(map[string]any)["device_id"] = ""
		})},
		{"the first entry", "AuditList", mutate(t, "audit_page.json", func(m map[string]any) {
			m["items"] = m["items"].([]any)[2:]
			m["items"].([]any)[0].(map[string]any)["prev_hash"] = ""
			m["cursor"], m["has_more"] = "", false
		})},
		{"an empty page", "ConflictList", map[string]any{"items": []any{}, "cursor": "", "has_more": false}},
		{"purged", "Purged", map[string]any{"collection": "persons", "id": "0190a8f2-8000-7000-8000-000000000001", "purged": true}},
	}
	for _, g := range good {
		if err := visit(t, doc, g.component, g.value, false); err != nil {
			t.Errorf("%s refused %s: %v", g.component, g.why, err)
		}
	}
}

// TestOfficeErrorBodies holds the resolve errors to their details.
func TestOfficeErrorBodies(t *testing.T) {
	doc := document(t)
	cases := []struct {
		response string
		body     string
		ok       bool
	}{
		{"ResolveConflict", `{"error":{"code":"conflict_stale","message":"m","details":{"present":"Thin."}}}`, true},
		{"ResolveConflict", `{"error":{"code":"conflict_stale","message":"m","details":{"present":null}}}`, true},
		{"ResolveConflict", `{"error":{"code":"conflict_stale","message":"m","details":{"present":{"deleted":false}}}}`, true},
		{"ResolveConflict", `{"error":{"code":"conflict_stale","message":"m"}}`, false},
		{"ResolveConflict", `{"error":{"code":"already_resolved","message":"m"}}`, true},
		{"ResolveConflict", `{"error":{"code":"not_found","message":"m"}}`, false},
		{"ResolveBadRequest", `{"error":{"code":"invalid_field","message":"m","details":{"field":"condition"}}}`, true},
		{"ResolveBadRequest", `{"error":{"code":"invalid_field","message":"m"}}`, false},
		{"ResolveBadRequest", `{"error":{"code":"invalid_request","message":"m"}}`, true},
		{"ResolveBadRequest", `{"error":{"code":"invalid_json","message":"m"}}`, true},
	}
	for _, c := range cases {
		r := doc.Components.Responses[c.response]
		if r == nil {
			t.Fatalf("no response %s", c.response)
		}
		var v any
		if err := json.Unmarshal([]byte(c.body), &v); err != nil {
			t.Fatal(err)
		}
		opts := append(contracttest.SchemaOptions(), openapi3.EnableJSONSchema2020())
		err := r.Value.Content.Get("application/json").Schema.Value.VisitJSON(v, opts...)
		if (err == nil) != c.ok {
			t.Errorf("%s %s: valid %v, want %v (%v)", c.response, c.body, err == nil, c.ok, err)
		}
	}
}

// canonical is v as canonical JSON.
func canonical(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	c, err := syncproto.Canonical(b)
	if err != nil {
		t.Fatal(err)
	}
	return string(c)
}

type conflictExample struct {
	ID         string          `json:"id"`
	TeamID     string          `json:"team_id"`
	Collection string          `json:"collection"`
	RecordID   string          `json:"record_id"`
	Field      string          `json:"field"`
	Kind       string          `json:"kind"`
	Status     string          `json:"status"`
	Current    map[string]any  `json:"current"`
	Other      map[string]any  `json:"other"`
	CreatedAt  string          `json:"created_at"`
	Resolution string          `json:"resolution"`
	Value      json.RawMessage `json:"value"`
	Note       string          `json:"note"`
	Record     struct {
		Collection string                     `json:"collection"`
		ID         string                     `json:"id"`
		Fields     map[string]json.RawMessage `json:"fields"`
		HLC        string                     `json:"hlc"`
	} `json:"record"`
}

// checkRecordExample checks a record of an example against its collection
// schema, emitted strictly.
func checkRecordExample(t *testing.T, reg *schema.Registry, where, collection string, fields map[string]json.RawMessage) {
	t.Helper()
	strict, ferr := reg.CheckRecord(collection, fields)
	if ferr != nil {
		t.Errorf("%s: %v", where, ferr)
		return
	}
	for k, v := range fields {
		if c, _ := syncproto.Canonical(v); !bytes.Equal(c, strict[k]) {
			t.Errorf("%s: %s is %s, emitted strictly it is %s", where, k, v, strict[k])
		}
	}
}

// TestOfficeExamplesAgree checks that the office examples tell one story
// the server could have told: the conflict, its resolution, the review and
// the audit entries they left.
func TestOfficeExamplesAgree(t *testing.T) {
	reg, err := schema.Load(contract.FS)
	if err != nil {
		t.Fatal(err)
	}
	var open, resolved conflictExample
	readExample(t, "conflict.json", &open)
	readExample(t, "resolve_response.json", &resolved)
	var req struct {
		Resolution string          `json:"resolution"`
		Value      json.RawMessage `json:"value"`
		Note       string          `json:"note"`
	}
	readExample(t, "resolve_request.json", &req)

	// The open conflict: the record holds the current side's value.
	if open.Status != "open" || open.Kind != syncproto.ConflictConcurrentEdit {
		t.Errorf("conflict.json: want an open concurrent_edit, got %s %s", open.Status, open.Kind)
	}
	checkRecordExample(t, reg, "conflict.json record", open.Collection, open.Record.Fields)
	if open.Record.Collection != open.Collection || open.Record.ID != open.RecordID {
		t.Errorf("conflict.json: the record is %s/%s, the conflict's %s/%s", open.Record.Collection, open.Record.ID, open.Collection, open.RecordID)
	}
	if got, want := canonical(t, open.Record.Fields[open.Field]), canonical(t, open.Current["value"]); got != want {
		t.Errorf("conflict.json: the record's %s is %s, the current side's %s", open.Field, got, want)
	}
	for _, side := range []map[string]any{open.Current, open.Other} {
		v, _ := json.Marshal(side["value"])
		if _, ferr := reg.CheckFields(open.Collection, map[string]json.RawMessage{open.Field: v}); ferr != nil {
			t.Errorf("conflict.json: a side's value is not a valid %s: %v", open.Field, ferr)
		}
		if hlc := side["hlc"].(string); !strings.HasSuffix(hlc, side["device_id"].(string)) {
			t.Errorf("conflict.json: stamp %s is not the device %s's", hlc, side["device_id"])
		}
	}
	if cur, oth := open.Current["hlc"].(string), open.Other["hlc"].(string); cur <= oth || open.Record.HLC < cur {
		t.Errorf("conflict.json: the current side (%s) must hold the field over the other (%s), and the record's stamp (%s) be at least it", cur, oth, open.Record.HLC)
	}

	// The resolution: the same conflict, resolved as asked, the value
	// written by the server above the current stamp.
	if resolved.ID != open.ID || resolved.Field != open.Field || canonical(t, resolved.Current) != canonical(t, open.Current) ||
		canonical(t, resolved.Other) != canonical(t, open.Other) || resolved.CreatedAt != open.CreatedAt {
		t.Error("resolve_response.json is not the conflict of conflict.json")
	}
	if resolved.Status != "resolved" || resolved.Resolution != req.Resolution || resolved.Note != req.Note {
		t.Errorf("resolve_response.json: %s %s %q, the request asked %s %q", resolved.Status, resolved.Resolution, resolved.Note, req.Resolution, req.Note)
	}
	strict, ferr := reg.CheckFields(open.Collection, map[string]json.RawMessage{open.Field: req.Value})
	if ferr != nil {
		t.Fatalf("resolve_request.json: the custom value is not a valid %s: %v", open.Field, ferr)
	}
	if !bytes.Equal(strict[open.Field], resolved.Value) || canonical(t, resolved.Record.Fields[open.Field]) != string(strict[open.Field]) {
		t.Errorf("resolve_response.json: value %s, record %s; the request's value is %s", resolved.Value, resolved.Record.Fields[open.Field], strict[open.Field])
	}
	checkRecordExample(t, reg, "resolve_response.json record", resolved.Collection, resolved.Record.Fields)
	if h := resolved.Record.HLC; h <= open.Current["hlc"].(string) || !strings.HasSuffix(h, syncproto.ServerNode) {
		t.Errorf("resolve_response.json: the record's stamp %s is not a server stamp above %s", h, open.Current["hlc"])
	}

	// The review: the media item carries the decision in its record.
	var review struct {
		Decision string `json:"decision"`
		Note     string `json:"note"`
	}
	readExample(t, "review_request.json", &review)
	var item struct {
		ID           string                     `json:"id"`
		TeamID       string                     `json:"team_id"`
		EncounterID  string                     `json:"encounter_id"`
		ReviewStatus string                     `json:"review_status"`
		Flags        []string                   `json:"flags"`
		CreatedAt    string                     `json:"created_at"`
		CreatedBy    string                     `json:"created_by"`
		Record       map[string]json.RawMessage `json:"record"`
	}
	readExample(t, "media_item.json", &item)
	checkRecordExample(t, reg, "media_item.json record", "media", item.Record)
	for member, want := range map[string]any{
		"review_status": review.Decision, "review_note": review.Note, "encounter_id": item.EncounterID, "team_id": item.TeamID,
		"flags": item.Flags, "created_at": item.CreatedAt, "created_by": item.CreatedBy,
	} {
		if got := canonical(t, item.Record[member]); got != canonical(t, want) {
			t.Errorf("media_item.json: record's %s is %s, want %s", member, got, canonical(t, want))
		}
	}
	if item.ReviewStatus != review.Decision {
		t.Errorf("media_item.json: review_status %s, the review decided %s", item.ReviewStatus, review.Decision)
	}

	// The audit page: newest first, chained, and it records the review and
	// the resolution above.
	var audit struct {
		Items []struct {
			Seq      int64          `json:"seq"`
			At       string         `json:"at"`
			Action   string         `json:"action"`
			Target   string         `json:"target"`
			Details  map[string]any `json:"details"`
			PrevHash string         `json:"prev_hash"`
			Hash     string         `json:"hash"`
		} `json:"items"`
		Cursor  string `json:"cursor"`
		HasMore bool   `json:"has_more"`
	}
	readExample(t, "audit_page.json", &audit)
	if len(audit.Items) < 2 {
		t.Fatal("audit_page.json: want at least two entries, to show the chain")
	}
	for i := 1; i < len(audit.Items); i++ {
		newer, older := audit.Items[i-1], audit.Items[i]
		if newer.Seq != older.Seq+1 || newer.PrevHash != older.Hash || newer.At < older.At {
			t.Errorf("audit_page.json: entry %d does not follow entry %d", newer.Seq, older.Seq)
		}
	}
	if last := audit.Items[len(audit.Items)-1]; audit.HasMore && audit.Cursor != strconv.FormatInt(last.Seq, 10) {
		t.Errorf("audit_page.json: cursor %q, the last entry is %d", audit.Cursor, last.Seq)
	}
	seen := map[string]bool{}
	for _, e := range audit.Items {
		seen[e.Action+" "+e.Target] = true
	}
	for _, want := range []string{"conflict_resolved conflict/" + open.ID, "media_reviewed media/" + item.ID} {
		if !seen[want] {
			t.Errorf("audit_page.json: no entry %q", want)
		}
	}
}

// tb is a testing.TB that keeps what Errorf reports.
type tb struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *tb) Helper() {}

func (r *tb) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func (r *tb) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.errs
	r.errs = nil
	return e
}

// TestOfficeQueries checks the list filters through contracttest: empty
// filters are accepted as absent, and a value outside the contract that
// the server answered 200 is reported.
func TestOfficeQueries(t *testing.T) {
	empty := `{"items":[],"cursor":"","has_more":false}`
	rec := &tb{TB: t}
	h := contracttest.Handler(rec, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		io.WriteString(w, empty)
	}))
	if errs := rec.take(); len(errs) > 0 {
		t.Fatalf("setting up: %v", errs)
	}
	do := func(target string) []string {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		req.Header.Set("Authorization", "Bearer tok")
		h.ServeHTTP(httptest.NewRecorder(), req)
		return rec.take()
	}
	for _, target := range []string{
		"/v1/admin/conflicts", "/v1/admin/conflicts?status=open&collection=encounters&limit=20&cursor=x",
		"/v1/admin/conflicts?status=&collection=&limit=&cursor=",
		"/v1/admin/media?review_status=pending&flag=no_exif", "/v1/admin/media?review_status=&flag=",
		"/v1/admin/audit?limit=500", "/v1/admin/audit?cursor=41",
	} {
		if errs := do(target); len(errs) > 0 {
			t.Errorf("%s: %v", target, errs)
		}
	}
	for _, target := range []string{
		"/v1/admin/conflicts?status=closed", "/v1/admin/conflicts?collection=users",
		"/v1/admin/media?review_status=done", "/v1/admin/media?flag=blurry",
	} {
		if errs := do(target); len(errs) != 1 || !strings.Contains(errs[0], "parameter") {
			t.Errorf("%s answered 200: want its query parameter reported, got %v", target, errs)
		}
	}
}
