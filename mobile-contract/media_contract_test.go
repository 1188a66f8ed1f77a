package contract_test

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	contract "urcsync/mobile-contract"
	"urcsync/mobile-contract/contracttest"
	"urcsync/server/schema"
	"urcsync/syncproto"
)

// tusStatusesWithHeader are the answers of the tus operations that pass
// the tus layer, and so carry Tus-Resumable.
var tusStatusesWithHeader = []int{200, 201, 204, 400, 404, 409, 412, 413, 415, 422}

// TestTusOperations holds the tus operations to tus 1.0.0: every request
// but OPTIONS carries Tus-Resumable (412 with Tus-Version otherwise), every
// answer past the tus layer carries it, and HEAD answers have no body.
func TestTusOperations(t *testing.T) {
	doc := document(t)
	n := 0
	for p, item := range doc.Paths.Map() {
		if !strings.HasPrefix(p, "/v1/media/{id}/uploads") {
			continue
		}
		for method, op := range item.Operations() {
			n++
			name := method + " " + p
			if method != http.MethodOptions {
				prm := op.Parameters.GetByInAndName(openapi3.ParameterInHeader, "Tus-Resumable")
				if prm == nil || !prm.Required {
					t.Errorf("%s: Tus-Resumable is not a required request header", name)
				}
				r := op.Responses.Status(http.StatusPreconditionFailed)
				if r == nil || r.Value.Headers["Tus-Version"] == nil || !r.Value.Headers["Tus-Version"].Value.Required {
					t.Errorf("%s: 412 with Tus-Version not documented", name)
				}
			}
			for _, status := range tusStatusesWithHeader {
				r := op.Responses.Status(status)
				if r == nil {
					continue
				}
				if h := r.Value.Headers["Tus-Resumable"]; h == nil || !h.Value.Required {
					t.Errorf("%s: %d does not carry Tus-Resumable", name, status)
				}
			}
			if method == http.MethodHead {
				for code, r := range op.Responses.Map() {
					if len(r.Value.Content) > 0 {
						t.Errorf("%s: %s documents a body", name, code)
					}
				}
			}
		}
	}
	if n != 5 {
		t.Errorf("%d tus operations, want 5 (OPTIONS, POST, HEAD, PATCH, DELETE)", n)
	}
}

// TestMediaDownloads checks that every answer serving photo bytes says
// nosniff, works with ranges and documents the range error.
func TestMediaDownloads(t *testing.T) {
	doc := document(t)
	for _, kind := range []string{"content", "thumbnail", "preview"} {
		op := doc.Paths.Find("/v1/media/{id}/" + kind).Get
		for _, status := range []int{200, 206} {
			r := op.Responses.Status(status).Value
			for _, h := range []string{"X-Content-Type-Options", "Accept-Ranges"} {
				if r.Headers[h] == nil || !r.Headers[h].Value.Required {
					t.Errorf("GET %s: %d without %s", kind, status, h)
				}
			}
			if status == 206 && (r.Headers["Content-Range"] == nil || !r.Headers["Content-Range"].Value.Required) {
				t.Errorf("GET %s: 206 without Content-Range", kind)
			}
			for ct := range r.Content {
				if !strings.HasPrefix(ct, "image/") {
					t.Errorf("GET %s: %d serves %s", kind, status, ct)
				}
			}
			if kind == "content" && r.Headers["Content-Disposition"] == nil {
				t.Errorf("GET content: %d without Content-Disposition", status)
			}
		}
		for _, status := range []int{304, 404, 416} {
			if op.Responses.Status(status) == nil {
				t.Errorf("GET %s: %d not documented", kind, status)
			}
		}
	}
}

// TestMediaRecordExample checks the stored media record example against
// the collection schema, emitted strictly, and against the record the pull
// example shows before its bytes were stored.
func TestMediaRecordExample(t *testing.T) {
	reg, err := schema.Load(contract.FS)
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]json.RawMessage
	readExample(t, "media_record.json", &fields)
	strict, ferr := reg.CheckRecord("media", fields)
	if ferr != nil {
		t.Fatalf("media_record.json: %v", ferr)
	}
	for k, v := range fields {
		if c, _ := syncproto.Canonical(v); !bytes.Equal(c, strict[k]) {
			t.Errorf("media_record.json: %s is %s, emitted strictly it is %s", k, v, strict[k])
		}
	}
	var pull syncproto.PullResponse
	readExample(t, "pull_response.json", &pull)
	for _, ch := range pull.Changes {
		if ch.Collection != "media" || ch.ID != tusExampleMediaID {
			continue
		}
		before, err := ch.FieldMap()
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"encounter_id", "sha256", "size", "content_type", "created_at", "created_by", "team_id"} {
			if !bytes.Equal(before[k], fields[k]) {
				t.Errorf("media_record.json: %s is %s, the pull example's record has %s", k, fields[k], before[k])
			}
		}
		return
	}
	t.Errorf("the pull example has no media record %s", tusExampleMediaID)
}

const tusExampleMediaID = "0190a8f2-7000-7000-8000-000000000001"

// tusExchange is examples/tus_exchange.json.
type tusExchange struct {
	MediaID string `json:"media_id"`
	Size    int64  `json:"size"`
	SHA256  string `json:"sha256"`
	Steps   []struct {
		Note    string `json:"note"`
		Request struct {
			Method  string            `json:"method"`
			Path    string            `json:"path"`
			Headers map[string]string `json:"headers"`
			Body    *struct {
				From int64 `json:"from"`
				To   int64 `json:"to"`
			} `json:"body"`
		} `json:"request"`
		Response *struct {
			Status  int               `json:"status"`
			Headers map[string]string `json:"headers"`
			Body    json.RawMessage   `json:"body"`
		} `json:"response"`
		Received int64 `json:"received"`
	} `json:"steps"`
}

// TestTusExchangeExample replays the golden tus exchange through the
// contract checker (requests strictly) and follows the upload's offset
// from step to step, so the example stays a correct tus conversation.
func TestTusExchangeExample(t *testing.T) {
	var ex tusExchange
	readExample(t, "tus_exchange.json", &ex)
	if ex.MediaID != tusExampleMediaID || ex.Size <= 0 || len(ex.Steps) == 0 {
		t.Fatalf("tus_exchange.json: media_id %q, size %d, %d steps", ex.MediaID, ex.Size, len(ex.Steps))
	}
	raw, err := hex.DecodeString(ex.SHA256)
	if err != nil || len(raw) != 32 {
		t.Fatalf("tus_exchange.json: sha256 %q", ex.SHA256)
	}
	wantDigest := "sha-256=:" + base64.StdEncoding.EncodeToString(raw) + ":"

	// The answer of the step being replayed.
	var answer func(w http.ResponseWriter)
	h := contracttest.Handler(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { answer(w) }), contracttest.StrictRequests())

	offset := int64(-1) // the upload's offset on the server; -1 before creation
	statuses := map[int]bool{}
	for i, st := range ex.Steps {
		where := fmt.Sprintf("step %d (%s %s)", i, st.Request.Method, st.Request.Path)
		req := st.Request
		hdr := func(name string) int64 {
			n, err := strconv.ParseInt(req.Headers[name], 10, 64)
			if err != nil {
				t.Fatalf("%s: %s %q", where, name, req.Headers[name])
			}
			return n
		}
		var body []byte
		if req.Body != nil {
			if req.Body.From < 0 || req.Body.To > ex.Size || req.Body.From > req.Body.To {
				t.Fatalf("%s: body [%d, %d) outside the file", where, req.Body.From, req.Body.To)
			}
			body = make([]byte, req.Body.To-req.Body.From)
			if got := hdr("Content-Length"); got != int64(len(body)) {
				t.Errorf("%s: Content-Length %d for %d bytes", where, got, len(body))
			}
			if got := hdr("Upload-Offset"); got != req.Body.From {
				t.Errorf("%s: Upload-Offset %d, body from %d", where, got, req.Body.From)
			}
		}
		if req.Method == http.MethodPost {
			if hdr("Upload-Length") != ex.Size || req.Headers["Repr-Digest"] != wantDigest {
				t.Errorf("%s: Upload-Length and Repr-Digest are not the record's size and sha256 (%s)", where, wantDigest)
			}
		}
		if !strings.HasPrefix(req.Path, "/v1/media/"+ex.MediaID+"/uploads") {
			t.Errorf("%s: not an upload of media %s", where, ex.MediaID)
		}

		res := st.Response
		if res == nil {
			// A cut connection: no answer, but what arrived is kept.
			if req.Method != http.MethodPatch || req.Body == nil || st.Received <= 0 || st.Received > req.Body.To-req.Body.From || req.Body.From != offset {
				t.Fatalf("%s: a cut must be a PATCH from the upload's offset %d with 0 < received <= its length", where, offset)
			}
			offset += st.Received
			continue
		}
		statuses[res.Status] = true
		answer = func(w http.ResponseWriter) {
			for k, v := range res.Headers {
				w.Header().Set(k, v)
			}
			if len(res.Body) > 0 {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(res.Status)
				w.Write(res.Body)
				return
			}
			w.WriteHeader(res.Status)
		}
		r := httptest.NewRequest(req.Method, req.Path, bytes.NewReader(body))
		for k, v := range req.Headers {
			r.Header.Set(k, v)
		}
		h.ServeHTTP(httptest.NewRecorder(), r)

		resHdr := func(name string) int64 {
			n, err := strconv.ParseInt(res.Headers[name], 10, 64)
			if err != nil {
				t.Fatalf("%s: answer's %s %q", where, name, res.Headers[name])
			}
			return n
		}
		switch {
		case req.Method == http.MethodOptions:
		case req.Method == http.MethodPost && res.Status == http.StatusCreated:
			got := resHdr("Upload-Offset")
			complete := strings.HasSuffix(res.Headers["Location"], "/complete")
			switch {
			case offset == ex.Size && (!complete || got != ex.Size):
				t.Errorf("%s: the bytes are stored: want Location …/complete and Upload-Offset %d", where, ex.Size)
			case offset < ex.Size && offset > 0 && got != offset:
				t.Errorf("%s: an upload under way is at %d, the answer says %d", where, offset, got)
			case offset < 0 && got != 0:
				t.Errorf("%s: a new upload starts at 0, the answer says %d", where, got)
			}
			offset = got
		case req.Method == http.MethodHead && res.Status == http.StatusOK:
			if got := resHdr("Upload-Offset"); got != offset {
				t.Errorf("%s: HEAD says %d, the upload is at %d", where, got, offset)
			}
		case req.Method == http.MethodPatch && res.Status == http.StatusNoContent:
			if req.Body.From != offset {
				t.Errorf("%s: accepted a PATCH from %d while the upload is at %d", where, req.Body.From, offset)
			}
			offset = req.Body.To
			if got := resHdr("Upload-Offset"); got != offset {
				t.Errorf("%s: the answer says %d, want %d", where, got, offset)
			}
		case req.Method == http.MethodPatch && res.Status == http.StatusConflict:
			var eb syncproto.ErrorBody
			if err := json.Unmarshal(res.Body, &eb); err != nil {
				t.Fatal(err)
			}
			if req.Body.From == offset || resHdr("Upload-Offset") != offset || fmt.Sprint(eb.Error.Details["offset"]) != strconv.FormatInt(offset, 10) {
				t.Errorf("%s: 409 must refuse an offset other than %d and give %d in Upload-Offset and details.offset", where, offset, offset)
			}
		case req.Method == http.MethodPatch && res.Status == http.StatusServiceUnavailable:
			if req.Body.From != offset || req.Body.To != ex.Size {
				t.Errorf("%s: storage fails only on the completing PATCH", where)
			}
			offset = ex.Size - 1 // kept, less the last byte
		case res.Status < 400:
			t.Errorf("%s: step not followed by this test", where)
		}
	}
	for _, s := range []int{201, 204, 200, 409, 503} {
		if !statuses[s] {
			t.Errorf("the tus example shows no %d", s)
		}
	}
	if offset != ex.Size {
		t.Errorf("the tus example ends at offset %d of %d", offset, ex.Size)
	}
}
