package contracttest_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"urcsync/mobile-contract/contracttest"
)

const (
	mediaID  = "0190a8f2-7000-7000-8000-000000000001"
	uploadID = "0190a8f3-0000-7000-8000-000000000001"
)

// photo is the fake photo's bytes (a JPEG header and filler).
var photo = append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, bytes.Repeat([]byte{0x42}, 60)...)

func digestOf(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha-256=:" + base64.StdEncoding.EncodeToString(sum[:]) + ":"
}

func storedRecord() string {
	sum := sha256.Sum256(photo)
	return `{"caption":null,"content_status":"stored","content_type":"image/jpeg","created_at":"2025-11-27T08:00:05.301Z",` +
		`"created_by":"0190a7e1-0000-7000-8000-00000000a001","encounter_id":"0190a8f2-6000-7000-8000-000000000001",` +
		`"exif_lat":3.59,"exif_lon":98.67,"exif_taken_at":"2025-11-27T07:59:58.000Z","flags":[],"lat":3.59,"lon":98.67,` +
		`"review_status":"pending","sha256":"` + hex.EncodeToString(sum[:]) + `","size":` + strconv.Itoa(len(photo)) + `,` +
		`"taken_at":"2025-11-27T08:00:00.000Z","team_id":"urc-1","updated_at":"2025-11-27T08:03:11.120Z"}`
}

func writeError(w http.ResponseWriter, status int, code string) {
	writeJSON(w, status, `{"error":{"code":"`+code+`","message":"x"}}`)
}

var modTime = time.Date(2025, 11, 27, 8, 3, 11, 0, time.UTC)

// mediaServer fakes the media endpoints; the X-Case request header picks
// a deliberate deviation.
func mediaServer() http.Handler {
	mux := http.NewServeMux()
	base := "/v1/media/{id}"
	tus := func(h http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Tus-Resumable", "1.0.0")
			if r.Method != http.MethodOptions && r.Header.Get("Tus-Resumable") != "1.0.0" && r.Header.Get("X-Case") != "ignore-version" {
				w.Header().Set("Tus-Version", "1.0.0")
				writeError(w, http.StatusPreconditionFailed, "unsupported_version")
				return
			}
			h(w, r)
		}
	}
	mux.HandleFunc("PUT "+base+"/content", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		switch {
		case r.Header.Get("Content-Digest") == "":
			writeError(w, http.StatusBadRequest, "invalid_request")
		case r.Header.Get("X-Case") == "awaiting":
			writeJSON(w, http.StatusCreated, strings.Replace(storedRecord(), `"stored"`, `"awaiting_content"`, 1))
		case r.Header.Get("X-Case") == "loose":
			writeJSON(w, http.StatusCreated, strings.Replace(storedRecord(), `"2025-11-27T08:00:00.000Z"`, `"2025-11-27T15:00:00+07:00"`, 1))
		case r.Header.Get("X-Case") == "unknown-field":
			writeJSON(w, http.StatusCreated, strings.Replace(storedRecord(), `{`, `{"path":"/srv/media/x",`, 1))
		case r.Header.Get("X-Case") == "again":
			writeJSON(w, http.StatusOK, storedRecord())
		case !bytes.Equal(body, photo):
			writeError(w, http.StatusUnprocessableEntity, "digest_mismatch")
		default:
			writeJSON(w, http.StatusCreated, storedRecord())
		}
	})
	serve := func(original bool) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Content-Type", "image/jpeg")
			h.Set("X-Content-Type-Options", "nosniff")
			if original {
				h.Set("Cache-Control", "private, no-store")
				if r.Header.Get("X-Case") != "inline" {
					h.Set("Content-Disposition", `attachment; filename="`+mediaID+`.jpg"`)
				}
			} else {
				h.Set("Cache-Control", "private, max-age=3600")
			}
			switch r.Header.Get("X-Case") {
			case "html":
				h.Set("Content-Type", "text/html")
			case "no-content-range":
				h.Set("Accept-Ranges", "bytes")
				w.WriteHeader(http.StatusPartialContent)
				w.Write(photo[:10])
				return
			}
			w = &rangeError{ResponseWriter: w}
			http.ServeContent(w, r, "", modTime, bytes.NewReader(photo))
		}
	}
	mux.HandleFunc("GET "+base+"/content", serve(true))
	mux.HandleFunc("GET "+base+"/thumbnail", serve(false))
	mux.HandleFunc("GET "+base+"/preview", serve(false))
	mux.HandleFunc("OPTIONS "+base+"/uploads", tus(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Tus-Version", "1.0.0")
		w.Header().Set("Tus-Extension", "creation,expiration,termination")
		if r.Header.Get("X-Case") != "no-max-size" {
			w.Header().Set("Tus-Max-Size", "26214400")
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	uploadHeaders := func(w http.ResponseWriter, offset int) {
		h := w.Header()
		h.Set("Upload-Offset", strconv.Itoa(offset))
		h.Set("Upload-Length", strconv.Itoa(len(photo)))
		h.Set("Upload-Expires", "Fri, 28 Nov 2025 08:03:11 GMT")
		h.Set("Cache-Control", "no-store")
	}
	mux.HandleFunc("POST "+base+"/uploads", tus(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Repr-Digest") == "" {
			writeError(w, http.StatusBadRequest, "invalid_request")
			return
		}
		uploadHeaders(w, 0)
		loc := "/v1/media/" + mediaID + "/uploads/" + uploadID
		switch r.Header.Get("X-Case") {
		case "absolute":
			loc = "http://example.org" + loc
		case "expires-seconds":
			w.Header().Set("Upload-Expires", "86400")
		}
		w.Header().Set("Location", loc)
		if r.Header.Get("X-Case") == "body" {
			writeJSON(w, http.StatusCreated, `{}`)
			return
		}
		w.WriteHeader(http.StatusCreated)
	}))
	mux.HandleFunc("HEAD "+base+"/uploads/{upload}", tus(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.PathValue("upload") != uploadID:
			writeError(w, http.StatusNotFound, "not_found")
		case r.Header.Get("X-Case") == "teapot":
			w.WriteHeader(http.StatusTeapot)
		case r.Header.Get("X-Case") == "no-offset":
			uploadHeaders(w, 0)
			w.Header().Del("Upload-Offset")
			w.WriteHeader(http.StatusOK)
		default:
			uploadHeaders(w, 32)
			w.WriteHeader(http.StatusOK)
		}
	}))
	mux.HandleFunc("PATCH "+base+"/uploads/{upload}", tus(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Content-Type") != "application/offset+octet-stream" {
			writeError(w, http.StatusUnsupportedMediaType, "unsupported_media_type")
			return
		}
		body, _ := io.ReadAll(r.Body)
		off, _ := strconv.Atoi(r.Header.Get("Upload-Offset"))
		if off != 32 {
			w.Header().Set("Upload-Offset", "32")
			if r.Header.Get("X-Case") == "no-details" {
				writeError(w, http.StatusConflict, "offset_mismatch")
				return
			}
			writeJSON(w, http.StatusConflict, `{"error":{"code":"offset_mismatch","message":"the upload is at offset 32","details":{"offset":32}}}`)
			return
		}
		w.Header().Set("Upload-Offset", strconv.Itoa(off+len(body)))
		w.WriteHeader(http.StatusNoContent)
	}))
	mux.HandleFunc("DELETE "+base+"/uploads/{upload}", tus(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	return mux
}

// rangeError answers http.ServeContent's 416 with the protocol's error
// body, as the server does.
type rangeError struct {
	http.ResponseWriter
	swallow bool
}

func (w *rangeError) WriteHeader(code int) {
	if code == http.StatusRequestedRangeNotSatisfiable {
		w.swallow = true
		w.Header().Del("Content-Length")
		writeError(w.ResponseWriter, code, "range_not_satisfiable")
		return
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *rangeError) Write(b []byte) (int, error) {
	if w.swallow {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

// send makes one request; hdr are name, value pairs. A nil body sends
// none; a body of unknown length goes out chunked.
func send(t *testing.T, c *http.Client, method, url string, body io.Reader, hdr ...string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(method, url, body)
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
	return res
}

// chunked hides a reader's length, so the request goes out chunked.
type chunked struct{ io.Reader }

type mediaCase struct {
	name   string
	method string
	path   string
	body   func() io.Reader
	hdr    []string
	status int
	want   string // "" for a conforming exchange
}

func mediaCases() []mediaCase {
	content := "/v1/media/" + mediaID + "/content"
	uploads := "/v1/media/" + mediaID + "/uploads"
	upload := uploads + "/" + uploadID
	jpeg := func() io.Reader { return bytes.NewReader(photo) }
	chunk := func() io.Reader { return bytes.NewReader(photo[32:]) }
	put := []string{"Content-Type", "image/jpeg", "Content-Digest", digestOf(photo)}
	tusv := []string{"Tus-Resumable", "1.0.0"}
	create := append([]string{"Upload-Length", strconv.Itoa(len(photo)), "Repr-Digest", digestOf(photo), "Upload-Metadata", "filetype aW1hZ2UvanBlZw=="}, tusv...)
	patch := append([]string{"Content-Type", "application/offset+octet-stream", "Upload-Offset", "32"}, tusv...)
	with := func(h []string, more ...string) []string { return append(append([]string{}, h...), more...) }
	return []mediaCase{
		// Conforming exchanges.
		{"put", "PUT", content, jpeg, put, 201, ""},
		{"put again", "PUT", content, jpeg, with(put, "X-Case", "again"), 200, ""},
		{"put png type", "PUT", content, jpeg, with(put, "Content-Type", "image/png"), 201, ""},
		{"put without digest refused", "PUT", content, jpeg, []string{"Content-Type", "image/jpeg"}, 400, ""},
		{"put wrong bytes refused", "PUT", content, func() io.Reader { return strings.NewReader("nope") }, put, 422, ""},
		{"original", "GET", content, nil, nil, 200, ""},
		{"original range", "GET", content, nil, []string{"Range", "bytes=10-19"}, 206, ""},
		{"original suffix range", "GET", content, nil, []string{"Range", "bytes=-8"}, 206, ""},
		{"original range past the end", "GET", content, nil, []string{"Range", "bytes=1000-"}, 416, ""},
		{"thumbnail", "GET", "/v1/media/" + mediaID + "/thumbnail", nil, nil, 200, ""},
		{"preview not modified", "GET", "/v1/media/" + mediaID + "/preview", nil, []string{"If-Modified-Since", modTime.Format(http.TimeFormat)}, 304, ""},
		{"preview range", "GET", "/v1/media/" + mediaID + "/preview", nil, []string{"Range", "bytes=0-"}, 206, ""},
		{"tus options", "OPTIONS", uploads, nil, nil, 204, ""},
		{"tus create", "POST", uploads, nil, create, 201, ""},
		{"tus create without Tus-Resumable refused", "POST", uploads, nil, create[:6], 412, ""},
		{"tus create without digest refused", "POST", uploads, nil, with(tusv, "Upload-Length", "64"), 400, ""},
		{"tus head", "HEAD", upload, nil, tusv, 200, ""},
		{"tus head unknown upload", "HEAD", uploads + "/complete", nil, tusv, 404, ""},
		{"tus head without Tus-Resumable", "HEAD", upload, nil, nil, 412, ""},
		{"tus patch", "PATCH", upload, chunk, patch, 204, ""},
		{"tus patch chunked", "PATCH", upload, func() io.Reader { return chunked{chunk()} }, patch, 204, ""},
		{"tus patch stale offset", "PATCH", upload, chunk, with(patch, "Upload-Offset", "0"), 409, ""},
		{"tus patch wrong type refused", "PATCH", upload, chunk, with(patch, "Content-Type", "application/octet-stream"), 415, ""},
		{"tus delete", "DELETE", upload, nil, tusv, 204, ""},

		// Deviations the checker must report.
		{"put answer not stored", "PUT", content, jpeg, with(put, "X-Case", "awaiting"), 201, "response does not match"},
		{"put answer not strict", "PUT", content, jpeg, with(put, "X-Case", "loose"), 201, "not emitted strictly"},
		{"put answer with a stray field", "PUT", content, jpeg, with(put, "X-Case", "unknown-field"), 201, "schemas/media.json"},
		{"put without Content-Length accepted", "PUT", content, func() io.Reader { return chunked{jpeg()} }, put, 201, `"Content-Length"`},
		{"put as text accepted", "PUT", content, jpeg, with(put, "Content-Type", "text/plain"), 201, "Content-Type"},
		{"put with a malformed digest accepted", "PUT", content, jpeg, with(put, "Content-Digest", "sha-256=abc"), 201, `"Content-Digest"`},
		{"original not an attachment", "GET", content, nil, []string{"X-Case", "inline"}, 200, "Content-Disposition"},
		{"original as html", "GET", content, nil, []string{"X-Case", "html"}, 200, `Content-Type "text/html"`},
		{"range without Content-Range", "GET", content, nil, []string{"X-Case", "no-content-range", "Range", "bytes=0-9"}, 206, "Content-Range"},
		{"several ranges accepted", "GET", content, nil, []string{"Range", "bytes=0-1,4-5"}, 206, `parameter "Range"`},
		{"options without Tus-Max-Size", "OPTIONS", uploads, nil, []string{"X-Case", "no-max-size"}, 204, "Tus-Max-Size"},
		{"create answer with an absolute Location", "POST", uploads, nil, with(create, "X-Case", "absolute"), 201, "Location"},
		{"create answer with Upload-Expires in seconds", "POST", uploads, nil, with(create, "X-Case", "expires-seconds"), 201, "Upload-Expires"},
		{"head without Upload-Offset", "HEAD", upload, nil, with(tusv, "X-Case", "no-offset"), 200, "Upload-Offset"},
		{"head undocumented status", "HEAD", upload, nil, with(tusv, "X-Case", "teapot"), 418, "status 418 is not documented"},
		{"patch without Tus-Resumable accepted", "PATCH", upload, chunk, []string{"Content-Type", "application/offset+octet-stream", "Upload-Offset", "32", "X-Case", "ignore-version"}, 204, `"Tus-Resumable"`},
		{"create answer with a body", "POST", uploads, nil, with(create, "X-Case", "body"), 201, "has no body"},
		{"offset mismatch without details", "PATCH", upload, chunk, with(patch, "Upload-Offset", "0", "X-Case", "no-details"), 409, "response does not match"},
	}
}

func TestMediaTransport(t *testing.T) {
	srv := httptest.NewServer(mediaServer())
	defer srv.Close()
	rec := &recorder{TB: t}
	c := contracttest.Client(rec, nil)
	for _, tc := range mediaCases() {
		var body io.Reader
		if tc.body != nil {
			body = tc.body()
		}
		res := send(t, c, tc.method, srv.URL+tc.path, body, tc.hdr...)
		if res.StatusCode != tc.status {
			t.Errorf("%s: the fake server answered %d, want %d", tc.name, res.StatusCode, tc.status)
		}
		checkReports(t, tc, rec.take())
	}
}

func TestMediaHandler(t *testing.T) {
	rec := &recorder{TB: t}
	h := contracttest.Handler(rec, mediaServer())
	for _, tc := range mediaCases() {
		var body io.Reader
		if tc.body != nil {
			body = tc.body()
		}
		req := httptest.NewRequest(tc.method, tc.path, body)
		if _, ok := body.(chunked); ok {
			req.ContentLength = -1
		}
		req.Header.Set("Authorization", "Bearer tok")
		for i := 0; i+1 < len(tc.hdr); i += 2 {
			req.Header.Set(tc.hdr[i], tc.hdr[i+1])
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != tc.status {
			t.Errorf("%s: the fake server answered %d, want %d", tc.name, w.Code, tc.status)
		}
		checkReports(t, tc, rec.take())
	}
}

func checkReports(t *testing.T, tc mediaCase, errs []string) {
	t.Helper()
	if tc.want == "" {
		if len(errs) > 0 {
			t.Errorf("%s: conforming exchange reported: %v", tc.name, errs)
		}
		return
	}
	if len(errs) == 0 {
		t.Errorf("%s: not reported", tc.name)
		return
	}
	if !strings.Contains(strings.Join(errs, "\n"), tc.want) {
		t.Errorf("%s: reported %q, want mention of %q", tc.name, errs, tc.want)
	}
}
