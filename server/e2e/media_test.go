package e2e

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image/jpeg"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"urcsync/server/blob/s3"
	"urcsync/server/blob/s3/s3test"
	"urcsync/syncproto"
)

// photo is a fixture file from testdata/photos.
type photo struct {
	name  string
	bytes []byte
	sha   string
}

func fixture(t *testing.T, name string) photo {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "photos", name))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return photo{name: name, bytes: b, sha: hex.EncodeToString(sum[:])}
}

func (p photo) digest() string {
	sum := sha256.Sum256(p.bytes)
	return "sha-256=:" + base64.StdEncoding.EncodeToString(sum[:]) + ":"
}

// backends runs f against the local-folder store and against a real S3
// server (Versity) started for the test.
func backends(t *testing.T, f func(t *testing.T, e *env)) {
	t.Run("local", func(t *testing.T) { f(t, startServer(t)) })
	t.Run("s3", func(t *testing.T) {
		e, _, _ := startServerS3(t)
		f(t, e)
	})
}

// startServerS3 runs Versity and the server storing media there; it
// returns the store's configuration and the functions that stop and
// restart Versity.
func startServerS3(t *testing.T, extraEnv ...string) (*env, s3.Config, versity) {
	t.Helper()
	cfg, stop, restart := s3test.StartVersity(t)
	cfg.Bucket = "urc-" + strings.ToLower(strconv.FormatInt(time.Now().UnixNano(), 36))
	e := startServer(t, append([]string{
		"URC_S3_ENDPOINT=" + cfg.Endpoint, "URC_S3_BUCKET=" + cfg.Bucket,
		"URC_S3_ACCESS_KEY=" + cfg.AccessKey, "URC_S3_SECRET_KEY=" + cfg.SecretKey, "URC_S3_REGION=" + cfg.Region,
	}, extraEnv...)...)
	return e, cfg, versity{stop: stop, restart: restart}
}

// versity controls the test's S3 server.
type versity struct{ stop, restart func() }

// mediaRecord pushes an encounter (at lat, lon) and a media record for p;
// it returns the media id.
func (s *session) mediaRecord(t *testing.T, p photo, lat, lon float64) string {
	t.Helper()
	enc, id := newID(), newID()
	_, resp := s.push(
		s.change("encounters", enc, "upsert", map[string]any{"category": "pengemis", "lat": lat, "lon": lon, "occurred_at": "2026-11-20T10:00:00+07:00"}, ""),
		s.change("media", id, "upsert", map[string]any{"encounter_id": enc, "sha256": p.sha, "size": len(p.bytes), "content_type": "image/jpeg"}, ""),
	)
	for _, r := range resp.Results {
		if r.Status != syncproto.StatusApplied {
			t.Fatalf("media record push: %+v", r)
		}
	}
	return id
}

// put uploads body for media id with the given digest header.
func (s *session) put(id string, body []byte, digest string) (int, map[string]json.RawMessage, syncproto.ErrorBody) {
	s.e.t.Helper()
	req, _ := http.NewRequest(http.MethodPut, s.e.srv.URL+"/v1/media/"+id+"/content", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+s.token)
	req.Header.Set("Content-Type", "image/jpeg")
	if digest != "" {
		req.Header.Set("Content-Digest", digest)
	}
	resp, err := s.e.httpClient().Do(req)
	if err != nil {
		s.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var rec map[string]json.RawMessage
	var eb syncproto.ErrorBody
	if resp.StatusCode < 300 {
		json.Unmarshal(b, &rec)
	} else {
		json.Unmarshal(b, &eb)
	}
	return resp.StatusCode, rec, eb
}

// get fetches a media path and returns status, headers and body.
func (s *session) get(path string, headers map[string]string) (int, http.Header, []byte) {
	s.e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.e.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+s.token)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := s.e.httpClient().Do(req)
	if err != nil {
		s.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

func TestMediaUploadAndServe(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		e.user("budi", "officer", "urc-1")
		e.user("sari", "officer", "urc-1")
		e.user("kepala", "supervisor", "urc-1")
		e.user("lain", "supervisor", "urc-2")
		s := e.login("budi")
		p := fixture(t, "medan.jpg")
		id := s.mediaRecord(t, p, 3.5952, 98.6722)

		st, rec, eb := s.put(id, p.bytes, p.digest())
		if st != http.StatusCreated || string(rec["content_status"]) != `"stored"` {
			t.Fatalf("PUT: %d %v %+v", st, rec, eb)
		}
		if string(rec["flags"]) != `[]` || string(rec["exif_lat"]) == "null" || string(rec["exif_taken_at"]) != `"2026-11-20T03:15:00.000Z"` {
			t.Errorf("EXIF not read into the record: %s %s %s", rec["flags"], rec["exif_lat"], rec["exif_taken_at"])
		}
		if st, _, _ := s.put(id, p.bytes, p.digest()); st != http.StatusOK {
			t.Errorf("second PUT: %d, want 200", st)
		}
		pulled := s.pullAll()["media/"+id]
		if f, _ := pulled.FieldMap(); string(f["content_status"]) != `"stored"` {
			t.Errorf("pulled media record: %s", pulled.Fields)
		}

		for kind, side := range map[string]int{"thumbnail": 320, "preview": 1600} {
			st, h, body := s.get("/v1/media/"+id+"/"+kind, nil)
			if st != 200 || h.Get("Content-Type") != "image/jpeg" || h.Get("X-Content-Type-Options") != "nosniff" {
				t.Fatalf("%s: %d %v", kind, st, h)
			}
			cfg, err := jpeg.DecodeConfig(bytes.NewReader(body))
			if err != nil || max(cfg.Width, cfg.Height) > side {
				t.Errorf("%s: %dx%d %v", kind, cfg.Width, cfg.Height, err)
			}
			if bytes.Contains(body, []byte("Exif\x00\x00")) || bytes.Contains(body, []byte("http://ns.adobe.com/xap")) {
				t.Errorf("%s carries metadata", kind)
			}
		}

		st, h, body := s.get("/v1/media/"+id+"/content", nil)
		if st != 200 || !bytes.Equal(body, p.bytes) || !strings.HasPrefix(h.Get("Content-Disposition"), "attachment") || h.Get("Content-Type") != "image/jpeg" {
			t.Fatalf("original: %d %d bytes %v", st, len(body), h)
		}
		st, h, body = s.get("/v1/media/"+id+"/content", map[string]string{"Range": "bytes=100-199"})
		if st != http.StatusPartialContent || !bytes.Equal(body, p.bytes[100:200]) {
			t.Errorf("range: %d %d bytes %s", st, len(body), h.Get("Content-Range"))
		}
		if st, _, body := s.get("/v1/media/"+id+"/content", map[string]string{"Range": fmt.Sprintf("bytes=%d-", len(p.bytes)+10)}); st != 416 || !bytes.Contains(body, []byte("range_not_satisfiable")) {
			t.Errorf("range past the end: %d %s", st, body)
		}

		// Who may see what.
		other, sup, stranger := e.login("sari"), e.login("kepala"), e.login("lain")
		if st, _, _ := other.get("/v1/media/"+id+"/thumbnail", nil); st != 200 {
			t.Errorf("team mate's thumbnail: %d", st)
		}
		if st, _, _ := other.get("/v1/media/"+id+"/content", nil); st != 403 {
			t.Errorf("team mate's original: %d, want 403", st)
		}
		if st, _, body := sup.get("/v1/media/"+id+"/content", nil); st != 200 || !bytes.Equal(body, p.bytes) {
			t.Errorf("supervisor's original: %d", st)
		}
		for _, path := range []string{"/content", "/thumbnail", "/preview"} {
			if st, _, _ := stranger.get("/v1/media/"+id+path, nil); st != 404 {
				t.Errorf("other team %s: %d, want 404", path, st)
			}
		}
		var audit struct {
			Items []struct{ Action, Username string } `json:"items"`
		}
		if !e.auditHas(sup.token, "media_original_downloaded", "kepala", &audit) {
			t.Errorf("the supervisor's download is not audited: %+v", audit.Items)
		}
	})
}

// auditHas reads the audit log through the API.
func (e *env) auditHas(token, action, username string, out any) bool {
	var a struct {
		Items []struct {
			Action   string `json:"action"`
			Username string `json:"username"`
		} `json:"items"`
	}
	if st := e.raw(token, http.MethodGet, "/v1/admin/audit?limit=500", nil, nil, &a); st != http.StatusOK {
		e.t.Fatalf("audit: %d", st)
	}
	for _, it := range a.Items {
		if it.Action == action && it.Username == username {
			return true
		}
	}
	return false
}

func TestMediaBadInput(t *testing.T) {
	e := startServer(t, "URC_MAX_MEDIA_BYTES=2000000")
	e.user("budi", "officer", "urc-1")
	s, other := e.login("budi"), e.login("budi")
	medan, far := fixture(t, "medan.jpg"), fixture(t, "far_away.jpg")
	text, bomb, big := fixture(t, "not_an_image.jpg"), fixture(t, "bomb.png"), fixture(t, "big.jpg")

	cases := []struct {
		name   string
		photo  photo         // the record is made for this photo
		send   func() []byte // what is sent
		digest func() string // the Content-Digest sent
		who    *session
		status int
		code   string
	}{
		{"WrongDigest", medan, func() []byte { return medan.bytes }, func() string { return far.digest() }, s, 422, syncproto.CodeDigestMismatch},
		{"OtherBytes", medan, func() []byte { return far.bytes }, func() string { return far.digest() }, s, 422, syncproto.CodeDigestMismatch},
		{"MalformedDigest", medan, func() []byte { return medan.bytes }, func() string { return "md5=abc" }, s, 400, syncproto.CodeInvalidRequest},
		{"TextAsJPEG", text, func() []byte { return text.bytes }, func() string { return text.digest() }, s, 415, syncproto.CodeUnsupportedMedia},
		{"DecompressionBomb", bomb, func() []byte { return bomb.bytes }, func() string { return bomb.digest() }, s, 422, syncproto.CodeImageTooLarge},
		{"Oversize", big, func() []byte { return big.bytes }, func() string { return big.digest() }, s, 413, syncproto.CodePayloadTooLarge},
		{"AnotherDevice", medan, func() []byte { return medan.bytes }, func() string { return medan.digest() }, other, 404, syncproto.CodeNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id := s.mediaRecord(t, tc.photo, 3.5952, 98.6722)
			st, _, eb := tc.who.put(id, tc.send(), tc.digest())
			if st != tc.status || eb.Error.Code != tc.code {
				t.Fatalf("got %d %s, want %d %s", st, eb.Error.Code, tc.status, tc.code)
			}
			if f, _ := s.pullAll()["media/"+id].FieldMap(); string(f["content_status"]) != `"awaiting_content"` {
				t.Fatalf("after a refused upload the record says %s", f["content_status"])
			}
			e.assertNoObject(t, id)
		})
	}
	t.Run("TruncatedBody", func(t *testing.T) {
		id := s.mediaRecord(t, medan, 3.5952, 98.6722)
		conn := s.rawRequest(t, "PUT", "/v1/media/"+id+"/content", map[string]string{
			"Content-Type": "image/jpeg", "Content-Digest": medan.digest(), "Content-Length": strconv.Itoa(len(medan.bytes))}, medan.bytes[:len(medan.bytes)/2])
		conn.Close()
		time.Sleep(200 * time.Millisecond)
		if f, _ := s.pullAll()["media/"+id].FieldMap(); string(f["content_status"]) != `"awaiting_content"` {
			t.Fatalf("a truncated upload was stored: %s", f["content_status"])
		}
		e.assertNoObject(t, id)
		if st, _, eb := s.put(id, medan.bytes, medan.digest()); st != 201 {
			t.Fatalf("the full upload after a truncated one: %d %+v", st, eb)
		}
	})
	t.Run("BadIDs", func(t *testing.T) {
		for _, id := range []string{"not-a-uuid", "..%2F..%2Fetc%2Fpasswd", "%2e%2e", url.PathEscape("../../urc.db"), newID()} {
			st, _, eb := s.put(id, medan.bytes, medan.digest())
			if st != 404 || eb.Error.Code != syncproto.CodeNotFound {
				t.Errorf("PUT %s: %d %s, want 404 not_found", id, st, eb.Error.Code)
			}
		}
	})
}

// assertNoObject checks that the local media folder holds nothing for id.
func (e *env) assertNoObject(t *testing.T, id string) {
	t.Helper()
	matches, _ := filepath.Glob(filepath.Join(e.srv.DataDir, "media", "media", id, "*"))
	if len(matches) > 0 {
		t.Fatalf("refused upload left %v in the store", matches)
	}
}

// rawRequest writes a request by hand (so that the body can be cut) and
// returns the open connection.
func (s *session) rawRequest(t *testing.T, method, path string, headers map[string]string, body []byte) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", s.e.srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(conn)
	fmt.Fprintf(w, "%s %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n", method, path, s.e.srv.Addr, s.token)
	for k, v := range headers {
		fmt.Fprintf(w, "%s: %s\r\n", k, v)
	}
	w.WriteString("\r\n")
	w.Write(body)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return conn
}

// TestOversizePhotoRecordUploadRefused: a record may name a size over the
// server's limit; the upload of those bytes is refused with 413.
func TestOversizePhotoRecordUploadRefused(t *testing.T) {
	e := startServer(t, "URC_MAX_MEDIA_BYTES=1000000")
	e.user("budi", "officer", "urc-1")
	s := e.login("budi")
	big := fixture(t, "big.jpg")
	id := s.mediaRecord(t, big, 3.5952, 98.6722)
	if st, _, eb := s.put(id, big.bytes, big.digest()); st != 413 || eb.Error.Code != syncproto.CodePayloadTooLarge {
		t.Fatalf("PUT over the limit: %d %s", st, eb.Error.Code)
	}
	resp, _ := s.tus(http.MethodPost, "/v1/media/"+id+"/uploads", map[string]string{"Upload-Length": strconv.Itoa(len(big.bytes)), "Repr-Digest": big.digest()}, nil)
	if resp.StatusCode != 413 {
		t.Fatalf("tus creation over the limit: %d", resp.StatusCode)
	}
}
