package client

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// fakeTus serves the tus upload endpoints of §5 on a fakeServer: creation,
// HEAD and PATCH, with a media record required and the bytes checked
// against it when complete.
type fakeTus struct {
	f *fakeServer
	t *testing.T

	mu      sync.Mutex
	uploads map[string]*fakeUpload // by upload id
	stored  map[string][]byte      // media id → stored bytes
	log     []tusCall
	// fault, when set, may answer a request instead of the fake.
	fault func(w http.ResponseWriter, r *http.Request, body []byte) bool
	next  int
}

type fakeUpload struct {
	mediaID string
	length  int64
	sha256  string
	data    []byte
}

// tusCall is one tus request as received.
type tusCall struct {
	method string
	path   string
	offset string // Upload-Offset sent
	n      int    // body bytes received
}

func (c tusCall) String() string {
	if c.method == http.MethodPatch {
		return fmt.Sprintf("PATCH@%s+%d", c.offset, c.n)
	}
	return c.method
}

// withTus serves /v1/media/ on f.
func withTus(t *testing.T, f *fakeServer) *fakeTus {
	ft := &fakeTus{f: f, t: t, uploads: map[string]*fakeUpload{}, stored: map[string][]byte{}}
	f.setHook(func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		if !strings.HasPrefix(r.URL.Path, "/v1/media/") {
			return false
		}
		ft.serve(w, r, body)
		return true
	})
	return ft
}

func (ft *fakeTus) setFault(h func(w http.ResponseWriter, r *http.Request, body []byte) bool) {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	ft.fault = h
}

func (ft *fakeTus) calls() []tusCall {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	return append([]tusCall(nil), ft.log...)
}

// callString renders the calls, e.g. "POST PATCH@0+1000 HEAD".
func (ft *fakeTus) callString() string {
	var parts []string
	for _, c := range ft.calls() {
		parts = append(parts, c.String())
	}
	return strings.Join(parts, " ")
}

func (ft *fakeTus) storedBytes(mediaID string) []byte {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	return ft.stored[mediaID]
}

// uploadFor returns the upload under way for a media id.
func (ft *fakeTus) uploadFor(mediaID string) *fakeUpload {
	for _, u := range ft.uploads {
		if u.mediaID == mediaID {
			return u
		}
	}
	return nil
}

// keep appends bytes to the upload named by the request path, as a
// server does with what arrived before a cut.
func (ft *fakeTus) keep(r *http.Request, b []byte) {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	parts := strings.Split(r.URL.Path, "/")
	if u := ft.uploads[parts[len(parts)-1]]; u != nil {
		u.data = append(u.data, b...)
	}
}

func (ft *fakeTus) serve(w http.ResponseWriter, r *http.Request, body []byte) {
	ft.mu.Lock()
	ft.log = append(ft.log, tusCall{method: r.Method, path: r.URL.Path, offset: r.Header.Get("Upload-Offset"), n: len(body)})
	fault := ft.fault
	ft.mu.Unlock()
	if r.Header.Get("Tus-Resumable") != "1.0.0" {
		ft.t.Errorf("%s %s without Tus-Resumable: 1.0.0", r.Method, r.URL.Path)
	}
	if r.Header.Get("Authorization") != "Bearer tok-alice" {
		ft.t.Errorf("%s %s with Authorization %q", r.Method, r.URL.Path, r.Header.Get("Authorization"))
	}
	if r.Header.Get("Content-Encoding") != "" {
		ft.t.Errorf("%s %s with Content-Encoding %q", r.Method, r.URL.Path, r.Header.Get("Content-Encoding"))
	}
	w.Header().Set("Tus-Resumable", "1.0.0")
	if fault != nil && fault(w, r, body) {
		return
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/v1/media/"), "/")
	ft.mu.Lock()
	defer ft.mu.Unlock()
	switch {
	case len(parts) == 2 && parts[1] == "uploads" && r.Method == http.MethodPost:
		ft.create(w, r, parts[0])
	case len(parts) == 3 && parts[1] == "uploads" && r.Method == http.MethodHead:
		u := ft.uploads[parts[2]]
		if u == nil || u.mediaID != parts[0] {
			writeError(w, 404, "not_found")
			return
		}
		w.Header().Set("Upload-Offset", strconv.Itoa(len(u.data)))
		w.Header().Set("Upload-Length", strconv.FormatInt(u.length, 10))
		w.WriteHeader(http.StatusOK)
	case len(parts) == 3 && parts[1] == "uploads" && r.Method == http.MethodPatch:
		ft.patch(w, r, parts[0], parts[2], body)
	default:
		writeError(w, 404, "not_found")
	}
}

// mediaRecord returns sha256 and size of a media record the fake knows.
func (ft *fakeTus) mediaRecord(id string) (sha string, size int64, ok bool) {
	ft.f.mu.Lock()
	defer ft.f.mu.Unlock()
	rec := ft.f.recs["media/"+id]
	if rec == nil || rec.rec.Deleted {
		return "", 0, false
	}
	json.Unmarshal(rec.rec.Fields["sha256"].Value, &sha)
	json.Unmarshal(rec.rec.Fields["size"].Value, &size)
	return sha, size, true
}

func (ft *fakeTus) create(w http.ResponseWriter, r *http.Request, id string) {
	sha, size, ok := ft.mediaRecord(id)
	if !ok {
		writeError(w, 404, "not_found")
		return
	}
	length, _ := strconv.ParseInt(r.Header.Get("Upload-Length"), 10, 64)
	digest := r.Header.Get("Repr-Digest")
	raw, _ := hex.DecodeString(sha)
	if length != size || digest != "sha-256=:"+base64.StdEncoding.EncodeToString(raw)+":" {
		writeError(w, 422, "digest_mismatch")
		return
	}
	if _, done := ft.stored[id]; done {
		w.Header().Set("Location", "/v1/media/"+id+"/uploads/complete")
		w.Header().Set("Upload-Offset", strconv.FormatInt(size, 10))
		w.WriteHeader(http.StatusCreated)
		return
	}
	u := ft.uploadFor(id)
	uid := ""
	for k, v := range ft.uploads {
		if v == u {
			uid = k
		}
	}
	if u == nil {
		ft.next++
		uid = fmt.Sprintf("up%d", ft.next)
		u = &fakeUpload{mediaID: id, length: size, sha256: sha}
		ft.uploads[uid] = u
	}
	w.Header().Set("Location", "/v1/media/"+id+"/uploads/"+uid)
	w.Header().Set("Upload-Offset", strconv.Itoa(len(u.data)))
	w.WriteHeader(http.StatusCreated)
}

func (ft *fakeTus) patch(w http.ResponseWriter, r *http.Request, id, uid string, body []byte) {
	u := ft.uploads[uid]
	if u == nil || u.mediaID != id {
		writeError(w, 404, "not_found")
		return
	}
	if r.Header.Get("Content-Type") != "application/offset+octet-stream" {
		writeError(w, 415, "unsupported_media_type")
		return
	}
	if r.Header.Get("Upload-Offset") != strconv.Itoa(len(u.data)) {
		w.Header().Set("Upload-Offset", strconv.Itoa(len(u.data)))
		writeError(w, 409, "offset_mismatch")
		return
	}
	u.data = append(u.data, body...)
	if int64(len(u.data)) > u.length {
		delete(ft.uploads, uid)
		writeError(w, 413, "payload_too_large")
		return
	}
	w.Header().Set("Upload-Offset", strconv.Itoa(len(u.data)))
	if int64(len(u.data)) == u.length {
		sum := sha256.Sum256(u.data)
		delete(ft.uploads, uid)
		if hex.EncodeToString(sum[:]) != u.sha256 {
			writeError(w, 422, "digest_mismatch")
			return
		}
		ft.stored[id] = bytes.Clone(u.data)
	}
	w.WriteHeader(http.StatusNoContent)
}
