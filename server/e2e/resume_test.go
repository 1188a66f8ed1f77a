package e2e

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"urcsync/server/blob"
	"urcsync/server/blob/s3"
	"urcsync/syncproto"
)

// tus sends one tus request and returns the answer (body read).
func (s *session) tus(method, path string, headers map[string]string, body []byte) (*http.Response, []byte) {
	s.e.t.Helper()
	req, _ := http.NewRequest(method, s.e.srv.URL+path, bytes.NewReader(body))
	if body == nil {
		req.Body = nil
	}
	req.Header.Set("Authorization", "Bearer "+s.token)
	req.Header.Set("Tus-Resumable", "1.0.0")
	for k, v := range headers {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := s.e.httpClient().Do(req)
	if err != nil {
		s.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func (s *session) offset(t *testing.T, loc string) int {
	t.Helper()
	resp, _ := s.tus(http.MethodHead, loc, nil, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("HEAD %s: %d", loc, resp.StatusCode)
	}
	n, err := strconv.Atoi(resp.Header.Get("Upload-Offset"))
	if err != nil {
		t.Fatalf("HEAD: Upload-Offset %q", resp.Header.Get("Upload-Offset"))
	}
	return n
}

// cutPatch sends a PATCH announcing the rest of the file but sends only
// up to `until`, then drops the connection.
func (s *session) cutPatch(t *testing.T, loc string, p photo, from, until int) {
	t.Helper()
	conn := s.rawRequest(t, http.MethodPatch, loc, map[string]string{
		"Tus-Resumable": "1.0.0", "Content-Type": "application/offset+octet-stream",
		"Upload-Offset": strconv.Itoa(from), "Content-Length": strconv.Itoa(len(p.bytes) - from),
	}, p.bytes[from:until])
	time.Sleep(300 * time.Millisecond)
	conn.Close()
}

func (s *session) waitOffset(t *testing.T, loc string, want int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := s.offset(t, loc)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("offset %d, want %d", got, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestResumableUpload cuts PATCHes at 50 % and 90 %, restarts the server
// in between, and finishes the upload from the reported offsets; the
// stored original equals the file.
func TestResumableUpload(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		e.user("budi", "officer", "urc-1")
		s := e.login("budi")
		p := fixture(t, "big.jpg")
		id := s.mediaRecord(t, p, 3.5952, 98.6722)
		base := "/v1/media/" + id + "/uploads"

		resp, _ := s.tus(http.MethodOptions, base, map[string]string{"Authorization": "", "Tus-Resumable": ""}, nil)
		if resp.StatusCode != 204 || !strings.Contains(resp.Header.Get("Tus-Extension"), "termination") || resp.Header.Get("Tus-Version") != "1.0.0" {
			t.Fatalf("OPTIONS: %d %v", resp.StatusCode, resp.Header)
		}
		create := map[string]string{"Upload-Length": strconv.Itoa(len(p.bytes)), "Repr-Digest": p.digest()}
		resp, _ = s.tus(http.MethodPost, base, create, nil)
		loc := resp.Header.Get("Location")
		if resp.StatusCode != 201 || loc == "" || resp.Header.Get("Upload-Offset") != "0" || resp.Header.Get("Tus-Resumable") != "1.0.0" {
			t.Fatalf("create: %d %v", resp.StatusCode, resp.Header)
		}
		if resp, _ := s.tus(http.MethodPost, base, map[string]string{"Tus-Resumable": ""}, nil); resp.StatusCode != 412 {
			t.Fatalf("without Tus-Resumable: %d, want 412", resp.StatusCode)
		}

		half, ninety := len(p.bytes)/2, len(p.bytes)*9/10
		s.cutPatch(t, loc, p, 0, half)
		s.waitOffset(t, loc, half)

		e.srv.Stop()
		if err := e.srv.Restart(); err != nil {
			t.Fatal(err)
		}
		creator := s // tokens survive the restart
		if got := creator.offset(t, loc); got != half {
			t.Fatalf("after restart the offset is %d, want %d", got, half)
		}
		resp, _ = creator.tus(http.MethodPost, base, create, nil)
		if resp.StatusCode != 201 || resp.Header.Get("Location") != loc || resp.Header.Get("Upload-Offset") != strconv.Itoa(half) {
			t.Fatalf("creation again: %d %s %s", resp.StatusCode, resp.Header.Get("Location"), resp.Header.Get("Upload-Offset"))
		}
		creator.cutPatch(t, loc, p, half, ninety)
		creator.waitOffset(t, loc, ninety)

		patch := map[string]string{"Content-Type": "application/offset+octet-stream", "Upload-Offset": "0"}
		resp, body := creator.tus(http.MethodPatch, loc, patch, p.bytes[:10])
		if resp.StatusCode != 409 || !strings.Contains(string(body), syncproto.CodeOffsetMismatch) {
			t.Fatalf("PATCH at a stale offset: %d %s", resp.StatusCode, body)
		}
		patch["Upload-Offset"] = strconv.Itoa(ninety)
		resp, body = creator.tus(http.MethodPatch, loc, patch, p.bytes[ninety:])
		if resp.StatusCode != 204 || resp.Header.Get("Upload-Offset") != strconv.Itoa(len(p.bytes)) {
			t.Fatalf("final PATCH: %d %s %v", resp.StatusCode, body, resp.Header)
		}
		st, _, got := creator.get("/v1/media/"+id+"/content", nil)
		if st != 200 || !bytes.Equal(got, p.bytes) {
			t.Fatalf("stored original: %d, %d bytes, want the file's %d", st, len(got), len(p.bytes))
		}
		if resp, _ := creator.tus(http.MethodHead, loc, nil, nil); resp.StatusCode != 404 {
			t.Errorf("the finished upload is still there: %d", resp.StatusCode)
		}
	})
}

// TestTusTermination: DELETE abandons an upload.
func TestTusTermination(t *testing.T) {
	e := startServer(t)
	e.user("budi", "officer", "urc-1")
	s := e.login("budi")
	p := fixture(t, "medan.jpg")
	id := s.mediaRecord(t, p, 3.5952, 98.6722)
	resp, _ := s.tus(http.MethodPost, "/v1/media/"+id+"/uploads", map[string]string{"Upload-Length": strconv.Itoa(len(p.bytes)), "Repr-Digest": p.digest()}, nil)
	loc := resp.Header.Get("Location")
	s.tus(http.MethodPatch, loc, map[string]string{"Content-Type": "application/offset+octet-stream", "Upload-Offset": "0"}, p.bytes[:1000])
	if resp, _ := s.tus(http.MethodDelete, loc, nil, nil); resp.StatusCode != 204 {
		t.Fatalf("DELETE: %d", resp.StatusCode)
	}
	if resp, _ := s.tus(http.MethodHead, loc, nil, nil); resp.StatusCode != 404 {
		t.Fatalf("HEAD after DELETE: %d", resp.StatusCode)
	}
	// Wrong digest at completion: 422 and the upload is discarded.
	resp, _ = s.tus(http.MethodPost, "/v1/media/"+id+"/uploads", map[string]string{"Upload-Length": strconv.Itoa(len(p.bytes)), "Repr-Digest": p.digest()}, nil)
	loc = resp.Header.Get("Location")
	bad := append([]byte(nil), p.bytes...)
	bad[len(bad)-10] ^= 0xff
	resp, body := s.tus(http.MethodPatch, loc, map[string]string{"Content-Type": "application/offset+octet-stream", "Upload-Offset": "0"}, bad)
	if resp.StatusCode != 422 || !strings.Contains(string(body), syncproto.CodeDigestMismatch) {
		t.Fatalf("corrupted upload: %d %s", resp.StatusCode, body)
	}
	e.assertNoObject(t, id)
}

// TestStorageOutage stops the S3 server: uploads answer 503 with
// Retry-After, record sync goes on, /readyz says so; once S3 is back the
// retries complete and no orphan object is left.
func TestStorageOutage(t *testing.T) {
	e, cfg, vgw := startServerS3(t)
	e.user("budi", "officer", "urc-1")
	s := e.login("budi")
	p, q := fixture(t, "medan.jpg"), fixture(t, "far_away.jpg")
	id := s.mediaRecord(t, p, 3.5952, 98.6722)
	id2 := s.mediaRecord(t, q, 3.5952, 98.6722)

	// A resumable upload that has all but its completion when S3 goes away.
	resp, _ := s.tus(http.MethodPost, "/v1/media/"+id2+"/uploads", map[string]string{"Upload-Length": strconv.Itoa(len(q.bytes)), "Repr-Digest": q.digest()}, nil)
	loc := resp.Header.Get("Location")
	vgw.stop()

	var ready syncproto.ErrorBody
	if st := e.raw("", http.MethodGet, "/readyz", nil, nil, &ready); st != 503 {
		t.Errorf("readyz during the outage: %d", st)
	}
	req, _ := http.NewRequest(http.MethodPut, e.srv.URL+"/v1/media/"+id+"/content", bytes.NewReader(p.bytes))
	req.Header.Set("Authorization", "Bearer "+s.token)
	req.Header.Set("Content-Digest", p.digest())
	req.Header.Set("Content-Type", "image/jpeg")
	r, err := e.httpClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != 503 || r.Header.Get("Retry-After") == "" || !strings.Contains(string(b), syncproto.CodeStorageUnavailable) {
		t.Fatalf("PUT during the outage: %d %q %s", r.StatusCode, r.Header.Get("Retry-After"), b)
	}
	if secs, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || secs <= 0 {
		t.Fatalf("Retry-After %q is not delta-seconds", r.Header.Get("Retry-After"))
	}
	resp, body := s.tus(http.MethodPatch, loc, map[string]string{"Content-Type": "application/offset+octet-stream", "Upload-Offset": "0"}, q.bytes)
	if resp.StatusCode != 503 {
		t.Fatalf("completing PATCH during the outage: %d %s", resp.StatusCode, body)
	}
	// Record sync goes on.
	if st, pr := s.push(s.change("encounters", newID(), "upsert", encounterFields(nil), "")); st != 200 || pr.Results[0].Status != syncproto.StatusApplied {
		t.Fatalf("push during the outage: %d", st)
	}

	vgw.restart()
	deadline := time.Now().Add(10 * time.Second)
	for {
		st, _, eb := s.put(id, p.bytes, p.digest())
		if st == 201 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("PUT after the outage: %d %+v", st, eb)
		}
		time.Sleep(200 * time.Millisecond)
	}
	off := s.offset(t, loc)
	if off != len(q.bytes)-1 {
		t.Fatalf("the interrupted completion left offset %d, want %d (all but the last byte)", off, len(q.bytes)-1)
	}
	resp, body = s.tus(http.MethodPatch, loc, map[string]string{"Content-Type": "application/offset+octet-stream", "Upload-Offset": strconv.Itoa(off)}, q.bytes[off:])
	if resp.StatusCode != 204 {
		t.Fatalf("resumed completion: %d %s", resp.StatusCode, body)
	}

	// The bucket holds exactly the two originals.
	st, err := s3.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	st.List(context.Background(), "", func(i blob.Info) error { keys = append(keys, i.Key); return nil })
	want := map[string]bool{"media/" + id + "/original": true, "media/" + id2 + "/original": true}
	if len(keys) != len(want) {
		t.Fatalf("bucket holds %v, want exactly %v", keys, want)
	}
	for _, k := range keys {
		if !want[k] {
			t.Fatalf("orphan object %s", k)
		}
	}
}
