package contract_test

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	contract "urcsync/mobile-contract"
	"urcsync/mobile-contract/contracttest"
	"urcsync/server/schema"
	"urcsync/syncproto"
)

func document(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := contracttest.Document()
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestOpenAPIDocument(t *testing.T) {
	doc := document(t)
	if doc.OpenAPI != "3.1.0" || !doc.IsOpenAPI31OrLater() {
		t.Fatalf("openapi: %q, want 3.1.0", doc.OpenAPI)
	}
	b, err := fs.ReadFile(contract.FS, contract.OpenAPIPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(contract.OpenAPI(), b) {
		t.Error("OpenAPI() differs from the embedded file")
	}
}

// publicV1 are the /v1/ operations that need no bearer token.
var publicV1 = map[string]bool{
	"POST /v1/auth/login":            true,
	"OPTIONS /v1/media/{id}/uploads": true,
}

// TestOperations checks the rules every operation follows: 429 and 503
// with Retry-After everywhere, a bearer token and the 401 codes on /v1/
// (but login and tus discovery), and an operationId.
func TestOperations(t *testing.T) {
	doc := document(t)
	want := []string{
		"DELETE /v1/media/{id}/uploads/{upload_id}",
		"GET /healthz", "GET /metrics", "GET /openapi.yaml", "GET /readyz", "GET /schemas/{file}",
		"GET /v1/admin/audit", "GET /v1/admin/conflicts", "GET /v1/admin/conflicts/{id}",
		"GET /v1/admin/devices", "GET /v1/admin/media", "GET /v1/admin/rejected", "GET /v1/admin/users",
		"GET /v1/media/{id}/content", "GET /v1/media/{id}/preview", "GET /v1/media/{id}/thumbnail",
		"GET /v1/sync/pull", "HEAD /v1/media/{id}/uploads/{upload_id}", "OPTIONS /v1/media/{id}/uploads",
		"PATCH /v1/admin/users/{id}", "PATCH /v1/media/{id}/uploads/{upload_id}",
		"POST /v1/admin/conflicts/{id}/resolve", "POST /v1/admin/devices/{id}/revoke",
		"POST /v1/admin/media/{id}/review", "POST /v1/admin/records/{collection}/{id}/purge",
		"POST /v1/admin/records/{collection}/{id}/restore", "POST /v1/admin/users", "POST /v1/auth/login",
		"POST /v1/auth/logout", "POST /v1/media/{id}/uploads", "POST /v1/sync/push",
		"PUT /v1/media/{id}/content",
	}
	var got []string
	for p, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			name := method + " " + p
			got = append(got, name)
			if op.OperationID == "" {
				t.Errorf("%s: no operationId", name)
			}
			for _, status := range []int{429, 503} {
				r := op.Responses.Status(status)
				if r == nil {
					t.Errorf("%s: %d not documented", name, status)
					continue
				}
				if h := r.Value.Headers["Retry-After"]; h == nil || h.Value.Schema.Value.Type.Is("integer") == false {
					t.Errorf("%s: %d without an integer Retry-After", name, status)
				}
			}
			v1 := strings.HasPrefix(p, "/v1/")
			public := !v1 || publicV1[name]
			if public != (op.Security != nil && len(*op.Security) == 0) {
				t.Errorf("%s: security %v", name, op.Security)
			}
			if !public && op.Responses.Status(401) == nil {
				t.Errorf("%s: 401 not documented", name)
			}
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("operations:\n got %v\nwant %v", got, want)
	}
}

// syncprotoCodes reads the Code* constants of syncproto/codes.go.
func syncprotoCodes(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "../syncproto/codes.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			for i, n := range vs.Names {
				if !strings.HasPrefix(n.Name, "Code") {
					continue
				}
				v, err := strconv.Unquote(vs.Values[i].(*ast.BasicLit).Value)
				if err != nil {
					t.Fatal(err)
				}
				codes = append(codes, v)
			}
		}
	}
	slices.Sort(codes)
	return codes
}

func enumOf(t *testing.T, doc *openapi3.T, name string) []string {
	t.Helper()
	s := doc.Components.Schemas[name]
	if s == nil {
		t.Fatalf("no component %s", name)
	}
	var out []string
	for _, v := range s.Value.Enum {
		out = append(out, v.(string))
	}
	slices.Sort(out)
	return out
}

func TestErrorCodes(t *testing.T) {
	doc := document(t)
	if got, want := enumOf(t, doc, "ErrorCode"), syncprotoCodes(t); !slices.Equal(got, want) {
		t.Errorf("ErrorCode enum:\n got %v\nwant %v (syncproto/codes.go)", got, want)
	}
	perChange := []string{
		syncproto.CodeOpIDReused, syncproto.CodeInvalidHLC, syncproto.CodeUnknownCollection,
		syncproto.CodeUnknownField, syncproto.CodeInvalidField, syncproto.CodeMissingField,
		syncproto.CodeInvalidReference, syncproto.CodeReadOnlyField, syncproto.CodeForbidden,
		syncproto.CodeInvalidCursor, syncproto.CodeInvalidRequest,
	}
	slices.Sort(perChange)
	if got := enumOf(t, doc, "ChangeErrorCode"); !slices.Equal(got, perChange) {
		t.Errorf("ChangeErrorCode enum: got %v, want %v", got, perChange)
	}
}

func TestCollectionsInTheDocument(t *testing.T) {
	doc := document(t)
	reg, err := schema.Load(contract.FS)
	if err != nil {
		t.Fatal(err)
	}
	if got := enumOf(t, doc, "Collection"); !slices.Equal(got, reg.Collections()) {
		t.Errorf("Collection enum %v, schema files %v", got, reg.Collections())
	}
	refs := map[string]bool{}
	for _, s := range doc.Components.Schemas {
		if strings.HasPrefix(s.Ref, "./schemas/") {
			refs[strings.TrimSuffix(path.Base(s.Ref), ".json")] = true
		}
	}
	if got := slices.Sorted(maps.Keys(refs)); !slices.Equal(got, reg.Collections()) {
		t.Errorf("components referencing ./schemas/: %v, schema files %v", got, reg.Collections())
	}
}

// categories are the 26 PPKS codes of domain.md.
var categories = []string{
	"anak_balita_terlantar", "anak_terlantar", "anak_berhadapan_hukum", "anak_jalanan",
	"anak_disabilitas", "anak_korban_kekerasan", "anak_perlindungan_khusus", "lansia_terlantar",
	"penyandang_disabilitas", "tuna_susila", "gelandangan", "pengemis", "pemulung",
	"kelompok_minoritas", "bekas_warga_binaan", "odha", "korban_napza", "korban_trafficking",
	"korban_kekerasan", "pekerja_migran_bermasalah", "korban_bencana_alam", "korban_bencana_sosial",
	"perempuan_rawan_sosial_ekonomi", "fakir_miskin", "keluarga_bermasalah_sosial_psikologis",
	"komunitas_adat_terpencil",
}

// TestCollectionSchemaRules holds every collection schema to the rules of
// the contract, so that a field added later follows them too.
func TestCollectionSchemaRules(t *testing.T) {
	paths, err := fs.Glob(contract.FS, schema.SchemaGlob)
	if err != nil || len(paths) != 6 {
		t.Fatalf("schema files: %v %v", paths, err)
	}
	for _, p := range paths {
		name := strings.TrimSuffix(path.Base(p), ".json")
		b, _ := fs.ReadFile(contract.FS, p)
		var doc map[string]any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if doc["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
			t.Errorf("%s: $schema %v", p, doc["$schema"])
		}
		if doc["$id"] != "https://urc.dinsos.medan/schemas/"+name+".json" {
			t.Errorf("%s: $id %v", p, doc["$id"])
		}
		desc, _ := doc["description"].(string)
		if doc["title"] == nil || !strings.Contains(desc, "null") {
			t.Errorf("%s: title, or a description that says null clears a field, missing", p)
		}
		if doc["type"] != "object" || doc["additionalProperties"] != false {
			t.Errorf("%s: must be an object schema with additionalProperties false", p)
		}
		props := doc["properties"].(map[string]any)
		if _, ok := props["id"]; ok {
			t.Errorf("%s: id is not a field", p)
		}
		for _, ro := range []string{"team_id", "created_by", "created_at", "updated_at"} {
			if f, _ := props[ro].(map[string]any); f == nil || f["readOnly"] != true {
				t.Errorf("%s: %s must be a readOnly field", p, ro)
			}
		}
		for fname, v := range props {
			checkBounded(t, p+"#/properties/"+fname, v.(map[string]any))
			f := v.(map[string]any)
			if strings.HasSuffix(fname, "_at") && f["format"] != "date-time" {
				t.Errorf("%s: %s must be a date-time", p, fname)
			}
			if strings.HasSuffix(fname, "_id") && fname != "team_id" && (f["format"] != "uuid" || f["x-references"] == nil) {
				t.Errorf("%s: %s must be a uuid with x-references", p, fname)
			}
			if f["description"] == nil {
				t.Errorf("%s: %s has no description", p, fname)
			}
		}
		if c, ok := props["category"].(map[string]any); ok {
			var got []string
			for _, e := range c["enum"].([]any) {
				got = append(got, e.(string))
			}
			if !slices.Equal(got, categories) {
				t.Errorf("%s: category enum %v, want the 26 PPKS codes of domain.md", p, got)
			}
		}
	}
}

// checkBounded requires a maxLength on strings, a maxItems on arrays and a
// range on numbers.
func checkBounded(t *testing.T, where string, s map[string]any) {
	t.Helper()
	switch s["type"] {
	case "string":
		if s["maxLength"] == nil && s["enum"] == nil {
			t.Errorf("%s: string without maxLength", where)
		}
	case "array":
		if s["maxItems"] == nil {
			t.Errorf("%s: array without maxItems", where)
		}
		if items, ok := s["items"].(map[string]any); ok {
			checkBounded(t, where+"/items", items)
		} else {
			t.Errorf("%s: array without items", where)
		}
	case "number", "integer":
		if s["minimum"] == nil || s["maximum"] == nil {
			t.Errorf("%s: number without minimum and maximum", where)
		}
	case nil:
		t.Errorf("%s: no type", where)
	}
}

// examples maps each golden example to the component it is an instance
// of, and whether it is sent by a client (a request) or by the server. An
// example without a component is a whole exchange, checked by its own test.
var examples = map[string]struct {
	component string
	request   bool
}{
	"login_request.json":  {"LoginRequest", true},
	"login_response.json": {"LoginResponse", false},
	"push_request.json":   {"PushRequest", true},
	"push_response.json":  {"PushResponse", false},
	"pull_response.json":  {"PullResponse", false},
	"error_body.json":     {"ErrorBody", false},
	"media_record.json":   {"StoredMediaRecord", false},
	"tus_exchange.json":   {"", false}, // TestTusExchangeExample
	// The office (§6); TestOfficeExamplesAgree checks them further.
	"conflict.json":         {"Conflict", false},
	"resolve_request.json":  {"Resolution", true},
	"resolve_response.json": {"Conflict", false},
	"review_request.json":   {"Review", true},
	"media_item.json":       {"MediaItem", false},
	"audit_page.json":       {"AuditList", false},
}

func readExample(t *testing.T, name string, v any) {
	t.Helper()
	b, err := fs.ReadFile(contract.FS, "examples/"+name)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func visit(t *testing.T, doc *openapi3.T, component string, v any, request bool) error {
	t.Helper()
	s := doc.Components.Schemas[component]
	if s == nil {
		t.Fatalf("no component %s", component)
	}
	opts := append(contracttest.SchemaOptions(), openapi3.EnableJSONSchema2020())
	if request {
		opts = append(opts, openapi3.VisitAsRequest())
	} else {
		opts = append(opts, openapi3.VisitAsResponse())
	}
	return s.Value.VisitJSON(v, opts...)
}

func TestExamples(t *testing.T) {
	doc := document(t)
	names, err := fs.Glob(contract.FS, "examples/*.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range names {
		if _, ok := examples[path.Base(p)]; !ok {
			t.Errorf("%s: no schema known for this example", p)
		}
	}
	for name, ex := range examples {
		if ex.component == "" {
			continue
		}
		var v any
		readExample(t, name, &v)
		if err := visit(t, doc, ex.component, v, ex.request); err != nil {
			t.Errorf("%s is not a valid %s: %v", name, ex.component, err)
		}
	}
}

// TestExampleSchemasReject makes sure validation is not vacuous.
func TestExampleSchemasReject(t *testing.T) {
	doc := document(t)
	bad := []struct {
		component string
		json      string
	}{
		{"PullResponse", `{"changes":[],"cursor":"c","has_more":false}`},
		{"PullResponse", `{"changes":[{"collection":"encounters","id":"0190a8f2-6000-7000-8000-000000000001","deleted":true,"fields":{},"hlc":"1764230400127-00000-00000000-0000-0000-0000-000000000000"}],"cursor":"c","has_more":false,"server_hlc":"1764230400127-00000-00000000-0000-0000-0000-000000000000"}`},
		{"PushResponse", `{"results":[{"op_id":"a","status":"rejected"}],"server_hlc":"1764230400127-00000-00000000-0000-0000-0000-000000000000"}`},
		{"PushResponse", `{"results":[{"op_id":"a","status":"applied","conflicts":[{"conflict_id":"0190a8f3-1000-7000-8000-000000000001","kind":"other"}]}],"server_hlc":"1764230400127-00000-00000000-0000-0000-0000-000000000000"}`},
		{"ErrorBody", `{"error":{"code":"oops","message":"x"}}`},
		{"StoredMediaRecord", `{"content_status":"awaiting_content","content_type":"image/jpeg","created_at":"2025-11-27T08:00:05.303Z","created_by":"0190a7e1-0000-7000-8000-00000000a001","encounter_id":"0190a8f2-6000-7000-8000-000000000001","exif_lat":null,"exif_lon":null,"exif_taken_at":null,"flags":[],"review_status":"pending","sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","size":482133,"team_id":"urc-1","updated_at":"2025-11-27T08:10:02.517Z"}`},
		{"StoredMediaRecord", `{"content_status":"stored","content_type":"image/jpeg","created_at":"2025-11-27T08:00:05.303Z","created_by":"0190a7e1-0000-7000-8000-00000000a001","encounter_id":"0190a8f2-6000-7000-8000-000000000001","flags":[],"review_status":"pending","sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","size":482133,"team_id":"urc-1","updated_at":"2025-11-27T08:10:02.517Z"}`},
		{"LoginResponse", `{"token":"abcdefghijklmnopqrstuvwxyz","user":{"id":"0190A7E1-0000-7000-8000-00000000A001","username":"u","role":"officer","team_id":"urc-1"},"device_id":"0190a8f2-3c4d-7e5f-8a9b-0c1d2e3f4a5b"}`},
		{"Device", `{"id":"0190a8f2-3c4d-7e5f-8a9b-0c1d2e3f4a5b","name":"n","user_id":"0190a7e1-0000-7000-8000-00000000a001","username":"u","team_id":"urc-1","revoked":false,"created_at":"2025-11-27T15:00:00+07:00","last_sync_at":null,"clock_offset_ms":null}`},
		{"WellFormedChange", `{"op_id":"a","collection":"encounters","id":"x","kind":"upsert","fields":{},"hlc":"1764230400127-00000-00000000-0000-0000-0000-000000000000"}`},
		{"WellFormedChange", `{"op_id":"a","collection":"encounters","id":"0190a8f2-6000-7000-8000-000000000001","kind":"upsert","hlc":"1764230400127-00000-00000000-0000-0000-0000-000000000000"}`},
	}
	for _, b := range bad {
		var v any
		if err := json.Unmarshal([]byte(b.json), &v); err != nil {
			t.Fatal(err)
		}
		if err := visit(t, doc, b.component, v, false); err == nil {
			t.Errorf("%s accepted %s", b.component, b.json)
		}
	}
	good := `{"id":"0190a8f2-3c4d-7e5f-8a9b-0c1d2e3f4a5b","name":"n","user_id":"0190a7e1-0000-7000-8000-00000000a001","username":"u","team_id":"urc-1","revoked":false,"created_at":"2025-11-27T08:00:00.000Z","last_sync_at":null,"clock_offset_ms":-1500}`
	var v any
	json.Unmarshal([]byte(good), &v)
	if err := visit(t, doc, "Device", v, false); err != nil {
		t.Errorf("Device: %v", err)
	}
}

// TestPushExampleAgreesWithSchemas checks each change of the push example
// against the collection schemas, and that the example answer rejects
// exactly the changes the schemas refuse.
func TestPushExampleAgreesWithSchemas(t *testing.T) {
	doc := document(t)
	reg, err := schema.Load(contract.FS)
	if err != nil {
		t.Fatal(err)
	}
	var req struct {
		Changes []json.RawMessage `json:"changes"`
	}
	var resp syncproto.PushResponse
	readExample(t, "push_request.json", &req)
	readExample(t, "push_response.json", &resp)
	if len(req.Changes) != len(resp.Results) {
		t.Fatalf("%d changes, %d results", len(req.Changes), len(resp.Results))
	}
	statuses := map[string]bool{}
	for i, raw := range req.Changes {
		var v any
		json.Unmarshal(raw, &v)
		if err := visit(t, doc, "WellFormedChange", v, true); err != nil {
			t.Errorf("change %d is not a WellFormedChange: %v", i, err)
		}
		var ch syncproto.Change
		json.Unmarshal(raw, &ch)
		res := resp.Results[i]
		statuses[res.Status] = true
		if res.OpID != ch.OpID {
			t.Errorf("result %d is for op %s, change is %s", i, res.OpID, ch.OpID)
		}
		if ch.Kind != syncproto.KindUpsert {
			continue
		}
		_, ferr := reg.CheckFields(ch.Collection, ch.Fields)
		switch {
		case res.Status == syncproto.StatusRejected && ferr == nil:
			t.Errorf("change %d: the example rejects it (%s) but the schemas accept it", i, res.Error.Code)
		case res.Status == syncproto.StatusRejected && (ferr.Code != res.Error.Code || ferr.Field != res.Error.Field):
			t.Errorf("change %d: the example says %s on %s, the schemas %v", i, res.Error.Code, res.Error.Field, ferr)
		case res.Status != syncproto.StatusRejected && ferr != nil:
			t.Errorf("change %d: the example applies it but the schemas refuse it: %v", i, ferr)
		}
	}
	for _, s := range []string{"applied", "duplicate", "rejected"} {
		if !statuses[s] {
			t.Errorf("the push example shows no %s result", s)
		}
	}
}

// TestPullExampleAgreesWithSchemas checks each pulled record against its
// collection schema, and that it is emitted strictly.
func TestPullExampleAgreesWithSchemas(t *testing.T) {
	reg, err := schema.Load(contract.FS)
	if err != nil {
		t.Fatal(err)
	}
	var resp syncproto.PullResponse
	readExample(t, "pull_response.json", &resp)
	tombstones := 0
	for i, ch := range resp.Changes {
		if ch.Deleted {
			tombstones++
			continue
		}
		fields, err := ch.FieldMap()
		if err != nil {
			t.Fatal(err)
		}
		strict, ferr := reg.CheckRecord(ch.Collection, fields)
		if ferr != nil {
			t.Errorf("record %d (%s): %v", i, ch.Collection, ferr)
			continue
		}
		for k, v := range fields {
			if c, _ := syncproto.Canonical(v); !bytes.Equal(c, strict[k]) {
				t.Errorf("record %d (%s): %s is %s, emitted strictly it is %s", i, ch.Collection, k, v, strict[k])
			}
		}
		for k := range reg.Defaults(ch.Collection) {
			if _, ok := fields[k]; !ok {
				t.Errorf("record %d (%s): server-owned %s missing; the server sets it at creation", i, ch.Collection, k)
			}
		}
	}
	if tombstones == 0 {
		t.Error("the pull example shows no tombstone")
	}
}
