package web

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	contract "urcsync/mobile-contract"
	"urcsync/server/auth"
	"urcsync/server/blob/local"
	"urcsync/server/core"
	"urcsync/server/media"
	"urcsync/server/schema"
	"urcsync/server/sqlite"
	"urcsync/syncproto"
)

const testPassword = "rahasia-123"

// testEnv is the office pages over the real store and media service.
type testEnv struct {
	t        *testing.T
	db       *sqlite.DB
	media    *media.Service
	throttle *auth.Throttle
	srv      *httptest.Server
}

func newEnv(t *testing.T) *testEnv {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	reg, err := schema.Load(contract.FS)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(ctx, filepath.Join(dir, "urc.db"), sqlite.Options{
		Schemas: reg, Hasher: auth.NewHasher(4), MediaFlags: media.DefaultChecks.Flags,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	store, err := local.New(filepath.Join(dir, "media"))
	if err != nil {
		t.Fatal(err)
	}
	ms, err := media.New(media.Config{Records: db, Store: store, SpoolDir: filepath.Join(dir, "uploads")})
	if err != nil {
		t.Fatal(err)
	}
	th := auth.NewThrottle()
	h, err := New(Config{Desk: db, Sessions: db, Accounts: db, Office: db, Media: ms, Throttle: th})
	if err != nil {
		t.Fatal(err)
	}
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	h.Mount(e)
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return &testEnv{t: t, db: db, media: ms, throttle: th, srv: srv}
}

// phone is a user logged in on a new device, talking to the store.
type phone struct {
	e   *testEnv
	p   core.Principal
	clk *syncproto.Clock
}

// user creates a user (once) and logs a new device in.
func (e *testEnv) user(name, role, team string) *phone {
	e.t.Helper()
	ctx := context.Background()
	if _, err := e.db.AddUser(ctx, core.NewUser{Username: name, Password: testPassword, Role: role, TeamID: team}); err != nil &&
		core.ErrorCode(err) != syncproto.CodeUsernameTaken {
		e.t.Fatal(err)
	}
	dev := uuid.Must(uuid.NewV7()).String()
	resp, err := e.db.Login(ctx, syncproto.LoginRequest{Username: name, Password: testPassword, DeviceID: dev, DeviceName: "HP " + name}, "127.0.0.1")
	if err != nil {
		e.t.Fatal(err)
	}
	p, err := e.db.Authenticate(ctx, resp.Token)
	if err != nil {
		e.t.Fatal(err)
	}
	return &phone{e: e, p: p, clk: syncproto.NewClock(dev, syncproto.HLC{}, nil)}
}

func (ph *phone) change(collection, id string, fields map[string]any, base string) json.RawMessage {
	b, _ := json.Marshal(map[string]any{
		"op_id": uuid.Must(uuid.NewV7()).String(), "collection": collection, "id": id, "kind": "upsert",
		"hlc": ph.clk.Now().String(), "base_cursor": base, "fields": fields,
	})
	return b
}

func (ph *phone) push(changes ...json.RawMessage) []syncproto.PushResult {
	ph.e.t.Helper()
	resp, err := ph.e.db.Push(context.Background(), ph.p, core.PushBatch{DeviceID: ph.p.DeviceID, Changes: changes})
	if err != nil {
		ph.e.t.Fatal(err)
	}
	return resp.Results
}

// pull returns every record of the phone's scope and the final cursor.
func (ph *phone) pull() (map[string]map[string]json.RawMessage, string) {
	ph.e.t.Helper()
	out := map[string]map[string]json.RawMessage{}
	cursor := ""
	for {
		page, err := ph.e.db.Pull(context.Background(), ph.p, cursor, 1000, nil, nil)
		if err != nil {
			ph.e.t.Fatal(err)
		}
		resp, err := page.Decode()
		if err != nil {
			ph.e.t.Fatal(err)
		}
		for _, c := range resp.Changes {
			f, _ := c.FieldMap()
			out[c.Collection+"/"+c.ID] = f
		}
		cursor = resp.Cursor
		if !resp.HasMore {
			return out, cursor
		}
	}
}

// conflict makes a concurrent edit of place_description: a writes va,
// then b, not having seen it, writes vb. It returns the encounter's and
// the conflict's ids.
func (e *testEnv) conflict(a, b *phone, va, vb string) (string, string) {
	e.t.Helper()
	id := uuid.Must(uuid.NewV7()).String()
	a.push(a.change("encounters", id, map[string]any{"category": "anak_jalanan", "lat": 3.5952, "lon": 98.6722, "place_description": "Lapangan Merdeka"}, ""))
	_, base := a.pull()
	a.push(a.change("encounters", id, map[string]any{"place_description": va}, base))
	r := b.push(b.change("encounters", id, map[string]any{"place_description": vb}, base))
	if len(r) != 1 || len(r[0].Conflicts) != 1 {
		e.t.Fatalf("no conflict made: %+v", r)
	}
	return id, r[0].Conflicts[0].ConflictID
}

// photo pushes a media record for the fixture on encounter and stores
// its bytes; it returns the media id.
func (e *testEnv) photo(ph *phone, encounter, fixture string) string {
	e.t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "photos", fixture))
	if err != nil {
		e.t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	id := uuid.Must(uuid.NewV7()).String()
	r := ph.push(ph.change("media", id, map[string]any{"encounter_id": encounter, "sha256": hex.EncodeToString(sum[:]),
		"size": len(b), "content_type": "image/jpeg", "caption": "foto <b>" + fixture + "</b>"}, ""))
	if r[0].Status != syncproto.StatusApplied {
		e.t.Fatalf("media record: %+v", r[0])
	}
	digest := "sha-256=:" + base64.StdEncoding.EncodeToString(sum[:]) + ":"
	if _, _, err := e.media.PutContent(context.Background(), ph.p, id, strings.NewReader(string(b)), int64(len(b)), digest); err != nil {
		e.t.Fatal(err)
	}
	return id
}

// browser is a cookie-keeping HTTP client that does not follow redirects.
type browser struct {
	e    *testEnv
	c    *http.Client
	csrf string
}

func (e *testEnv) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// do sends a request and returns the response with its body read; the
// page's CSRF token is remembered.
func (b *browser) do(req *http.Request) (*http.Response, string) {
	b.e.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if m := csrfInput.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	return resp, string(body)
}

func (b *browser) get(path string) (*http.Response, string) {
	b.e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.e.srv.URL+path, nil)
	return b.do(req)
}

// post sends a form; the remembered CSRF token is added unless the form
// has one.
func (b *browser) post(path string, form url.Values, headers ...string) (*http.Response, string) {
	b.e.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok && b.csrf != "" {
		form.Set("csrf", b.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, b.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return b.do(req)
}

// login signs in through the form and checks the redirect.
func (b *browser) login(user string) {
	b.e.t.Helper()
	b.get("/admin/login")
	resp, body := b.post("/admin/login", url.Values{"username": {user}, "password": {testPassword}})
	if resp.StatusCode != http.StatusSeeOther {
		b.e.t.Fatalf("login %s: %d %s", user, resp.StatusCode, body)
	}
	b.get("/admin/conflicts")
}

func expectStatus(t *testing.T, resp *http.Response, want int, body string) {
	t.Helper()
	if resp.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d\n%s", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, want, lastChars(body, 1500))
	}
}

func lastChars(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
