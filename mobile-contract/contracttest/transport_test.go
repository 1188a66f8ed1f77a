package contracttest_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	contract "urcsync/mobile-contract"
	"urcsync/mobile-contract/contracttest"
)

// recorder is a testing.TB that keeps what Errorf reports.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.errs
	r.errs = nil
	return e
}

const device = "0190a8f2-3c4d-7e5f-8a9b-0c1d2e3f4a5b"

const goodPull = `{"changes":[{"collection":"encounters","id":"0190a8f2-6000-7000-8000-000000000001","deleted":false,
"fields":{"category":"pengemis","lat":3.5,"lon":98.6,"notes":null,"team_id":"urc-1",
"created_by":"0190a7e1-0000-7000-8000-00000000a001","created_at":"2025-11-27T08:00:05.301Z","updated_at":"2025-11-27T08:00:05.301Z"},
"hlc":"1764230400123-00000-` + device + `"},
{"collection":"persons","id":"0190a8f2-8000-7000-8000-000000000001","deleted":true,"hlc":"1764230400127-00000-` + device + `"}],
"cursor":"c2","has_more":false,"server_hlc":"1764230705001-00002-00000000-0000-0000-0000-000000000000"}`

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

func server() *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("teapot") != "" {
			writeJSON(w, http.StatusTeapot, `{"status":"ok"}`)
			return
		}
		writeJSON(w, http.StatusOK, `{"status":"ok"}`)
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `{"status":"fine"}`)
	})
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		io.WriteString(w, "# HELP up 1\nup 1\n")
	})
	mux.HandleFunc("GET /openapi.yaml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/yaml")
		w.Write(contract.OpenAPI())
	})
	mux.HandleFunc("GET /schemas/{file}", func(w http.ResponseWriter, r *http.Request) {
		b, err := contract.FS.ReadFile("schemas/" + r.PathValue("file"))
		if err != nil {
			writeJSON(w, http.StatusNotFound, `{"error":{"code":"not_found","message":"no such schema"}}`)
			return
		}
		w.Header().Set("Content-Type", "application/schema+json")
		w.Write(b)
	})
	mux.HandleFunc("POST /v1/auth/logout", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /v1/sync/pull", func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("cursor") {
		case "":
			if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Encoding", "gzip")
				zw := gzip.NewWriter(w)
				io.WriteString(zw, goodPull)
				zw.Close()
				return
			}
			writeJSON(w, http.StatusOK, goodPull)
		case "no-server-hlc":
			writeJSON(w, http.StatusOK, `{"changes":[],"cursor":"c2","has_more":false}`)
		case "loose":
			writeJSON(w, http.StatusOK, strings.Replace(goodPull, `"2025-11-27T08:00:05.301Z","updated_at"`, `"2025-11-27T15:00:05.301+07:00","updated_at"`, 1))
		case "bad-field":
			writeJSON(w, http.StatusOK, strings.Replace(goodPull, `"lat":3.5`, `"lat":95`, 1))
		case "rate":
			writeJSON(w, http.StatusTooManyRequests, `{"error":{"code":"rate_limited","message":"slow down"}}`)
		case "rate-date":
			w.Header().Set("Retry-After", "Fri, 27 Nov 2026 08:00:00 GMT")
			writeJSON(w, http.StatusTooManyRequests, `{"error":{"code":"rate_limited","message":"slow down"}}`)
		case "expired":
			writeJSON(w, http.StatusGone, `{"error":{"code":"token_expired","message":"?"}}`)
		case "wrong-code":
			writeJSON(w, http.StatusBadRequest, `{"error":{"code":"not_found","message":"?"}}`)
		default:
			writeJSON(w, http.StatusBadRequest, `{"error":{"code":"invalid_cursor","message":"unknown cursor"}}`)
		}
	})
	mux.HandleFunc("POST /v1/sync/push", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				writeJSON(w, http.StatusBadRequest, `{"error":{"code":"invalid_json","message":"bad gzip"}}`)
				return
			}
			body, _ = io.ReadAll(zr)
		}
		if !bytes.HasPrefix(body, []byte(`{"device_id"`)) {
			writeJSON(w, http.StatusOK, `{"results":[],"server_hlc":"1764230705001-00001-00000000-0000-0000-0000-000000000000"}`)
			return
		}
		writeJSON(w, http.StatusOK, `{"results":[{"op_id":"a","status":"applied"},{"op_id":"b","status":"rejected","error":{"code":"invalid_field","message":"lat: must be at most 90","field":"lat"}}],"server_hlc":"1764230705001-00001-00000000-0000-0000-0000-000000000000"}`)
	})
	mux.HandleFunc("GET /v1/secret", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `{}`)
	})
	mux.HandleFunc("GET /v1/admin/not-yet", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `{"items":[]}`)
	})
	return httptest.NewServer(mux)
}

func get(t *testing.T, c *http.Client, url string, hdr ...string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer tok")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
}

func post(t *testing.T, c *http.Client, url, body string, hdr ...string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer tok")
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode == http.StatusOK && len(got) == 0 {
		t.Errorf("the caller lost the response body")
	}
}

func gz(s string) string {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	io.WriteString(zw, s)
	zw.Close()
	return b.String()
}

func TestTransport(t *testing.T) {
	srv := server()
	defer srv.Close()
	rec := &recorder{TB: t}
	c := contracttest.Client(rec, nil, contracttest.AllowUndocumented("/v1/admin/not-yet"))
	if errs := rec.take(); len(errs) > 0 {
		t.Fatalf("setting up: %v", errs)
	}
	goodPush := `{"device_id":"` + device + `","sent_at":"2025-11-27T15:00:05+07:00","changes":[
		{"op_id":"a","collection":"encounters","id":"0190A8F2-6000-7000-8000-000000000001","kind":"upsert",
		 "fields":{"category":"pengemis","lat":3.5,"lon":98.6},"hlc":"1764230400123-00000-` + device + `","base_cursor":""},
		{"op_id":"b","collection":"encounters","id":"0190a8f2-6000-7000-8000-000000000002","kind":"upsert",
		 "fields":{"lat":91},"hlc":"1764230400124-00000-` + device + `","base_cursor":""}]}`

	conforming := []struct {
		name string
		do   func()
	}{
		{"healthz", func() { get(t, c, srv.URL+"/healthz") }},
		{"pull", func() { get(t, c, srv.URL+"/v1/sync/pull?limit=100") }},
		{"pull gzipped", func() { get(t, c, srv.URL+"/v1/sync/pull", "Accept-Encoding", "gzip") }},
		{"pull invalid cursor", func() { get(t, c, srv.URL+"/v1/sync/pull?cursor=zzz") }},
		{"metrics", func() { get(t, c, srv.URL+"/metrics") }},
		{"openapi.yaml", func() { get(t, c, srv.URL+"/openapi.yaml") }},
		{"collection schema", func() { get(t, c, srv.URL+"/schemas/encounters.json") }},
		{"unknown collection schema", func() { get(t, c, srv.URL+"/schemas/users.json") }},
		{"logout", func() { post(t, c, srv.URL+"/v1/auth/logout", "") }},
		{"push", func() { post(t, c, srv.URL+"/v1/sync/push", goodPush) }},
		{"push gzipped", func() { post(t, c, srv.URL+"/v1/sync/push", gz(goodPush), "Content-Encoding", "gzip") }},
		{"undocumented but allowed", func() { get(t, c, srv.URL+"/v1/admin/not-yet?status=open") }},
	}
	for _, tc := range conforming {
		tc.do()
		if errs := rec.take(); len(errs) > 0 {
			t.Errorf("%s: conforming exchange reported: %v", tc.name, errs)
		}
	}

	nonConforming := []struct {
		name string
		do   func()
		want string
	}{
		{"missing member", func() { get(t, c, srv.URL+"/v1/sync/pull?cursor=no-server-hlc") }, "server_hlc"},
		{"wrong const", func() { get(t, c, srv.URL+"/readyz") }, "response does not match"},
		{"undocumented status", func() { get(t, c, srv.URL+"/healthz?teapot=1") }, "status 418 is not documented"},
		{"undocumented path", func() { get(t, c, srv.URL+"/v1/secret") }, "path is not documented"},
		{"undocumented method", func() { post(t, c, srv.URL+"/healthz", "{}") }, "method POST is not documented"},
		{"time not emitted strictly", func() { get(t, c, srv.URL+"/v1/sync/pull?cursor=loose") }, "not emitted strictly"},
		{"pulled field out of range", func() { get(t, c, srv.URL+"/v1/sync/pull?cursor=bad-field") }, "schemas/encounters.json"},
		{"Retry-After missing", func() { get(t, c, srv.URL+"/v1/sync/pull?cursor=rate") }, "Retry-After"},
		{"Retry-After as a date", func() { get(t, c, srv.URL+"/v1/sync/pull?cursor=rate-date") }, "Retry-After"},
		{"error code not documented for the status", func() { get(t, c, srv.URL+"/v1/sync/pull?cursor=wrong-code") }, "response does not match"},
		{"single error code not documented for the status", func() {
			get(t, c, srv.URL+"/v1/sync/pull?cursor=expired")
		}, "response does not match"},
		{"bad request accepted", func() { post(t, c, srv.URL+"/v1/sync/push", `{"changes":"nope"}`) }, "yet the server answered 200"},
		{"unknown content coding accepted", func() {
			post(t, c, srv.URL+"/v1/sync/push", goodPush, "Content-Encoding", "br")
		}, `Content-Encoding "br"`},
	}
	for _, tc := range nonConforming {
		tc.do()
		errs := rec.take()
		if len(errs) == 0 {
			t.Errorf("%s: not reported", tc.name)
			continue
		}
		if !strings.Contains(strings.Join(errs, "\n"), tc.want) {
			t.Errorf("%s: reported %q, want mention of %q", tc.name, errs, tc.want)
		}
		for _, e := range errs {
			if !strings.HasPrefix(e, "contract: ") {
				t.Errorf("%s: unclear report %q", tc.name, e)
			}
		}
	}
}

func TestRefusedBadRequestIsNotReported(t *testing.T) {
	srv := server()
	defer srv.Close()
	rec := &recorder{TB: t}
	c := contracttest.Client(rec, nil)
	get(t, c, srv.URL+"/v1/sync/pull?cursor=zzz&limit=abc")
	if errs := rec.take(); len(errs) > 0 {
		t.Errorf("a non-conforming request refused with 400 was reported: %v", errs)
	}
	strict := contracttest.Client(rec, nil, contracttest.StrictRequests())
	get(t, strict, srv.URL+"/v1/sync/pull?cursor=zzz&limit=abc")
	if errs := rec.take(); len(errs) != 1 || !strings.Contains(errs[0], `parameter "limit"`) {
		t.Errorf("StrictRequests: got %v", errs)
	}
}

func TestHandler(t *testing.T) {
	srv := server()
	defer srv.Close()
	rec := &recorder{TB: t}
	h := contracttest.Handler(rec, srv.Config.Handler)

	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if w.Code != http.StatusOK || w.Body.String() != `{"status":"ok"}` {
		t.Errorf("response not passed on: %d %q", w.Code, w.Body.String())
	}
	if errs := rec.take(); len(errs) > 0 {
		t.Errorf("conforming exchange reported: %v", errs)
	}

	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/readyz", nil))
	if errs := rec.take(); len(errs) != 1 {
		t.Errorf("non-conforming response: got %v", errs)
	}
}
