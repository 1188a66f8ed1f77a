package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"golang.org/x/net/html"

	"urcsync/mobile-contract/client"
)

// officeCSP is the Content-Security-Policy every office page must carry.
const officeCSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// chromium finds the browser; without one the test fails on CI (or with
// URC_REQUIRE_BROWSER=1) and is skipped elsewhere.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	msg := "no chromium found on PATH (apt-get install chromium)"
	if os.Getenv("CI") != "" || os.Getenv("URC_REQUIRE_BROWSER") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// browserTab starts a headless browser and returns a tab's context. Every
// page it loads records Content-Security-Policy violations in
// window.__csp.
func browserTab(t *testing.T, exe string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1366, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTime(); cancelTab(); cancelAlloc() })
	_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `window.__csp = []; document.addEventListener('securitypolicyviolation', function (e) { window.__csp.push(e.violatedDirective + ' ' + e.blockedURI); });`,
	})
	if err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	return ctx
}

// office drives the office pages in the browser and saves screenshots.
type office struct {
	t    *testing.T
	ctx  context.Context
	base string
	dir  string
}

// open navigates to path and checks the status and the browser's CSP
// report.
func (o *office) open(path string, status int) {
	o.t.Helper()
	resp, err := chromedp.Run(o.ctx, chromedp.NavigateResponse(o.base+path))
	if err != nil {
		o.t.Fatalf("open %s: %v", path, err)
	}
	if int(resp.Status) != status {
		o.t.Fatalf("open %s: status %d, want %d", path, resp.Status, status)
	}
	o.noViolations(path)
}

// submit runs actions that navigate (a click, a key) and checks the
// status of the page they lead to.
func (o *office) submit(what string, status int, actions ...chromedp.Action[chromedp.Void]) {
	o.t.Helper()
	resp, err := chromedp.RunResponse(o.ctx, actions...)
	if err != nil {
		o.t.Fatalf("%s: %v", what, err)
	}
	if int(resp.Status) != status {
		o.t.Fatalf("%s: status %d, want %d (%s)", what, resp.Status, status, resp.URL)
	}
	o.noViolations(what)
}

func (o *office) noViolations(where string) {
	o.t.Helper()
	v, err := chromedp.Run(o.ctx, chromedp.Evaluate[[]string](`window.__csp || []`))
	if err != nil {
		o.t.Fatalf("%s: reading CSP reports: %v", where, err)
	}
	if len(v) > 0 {
		o.t.Errorf("%s: Content-Security-Policy violations: %v", where, v)
	}
}

// text is the visible text of the page's main part.
func (o *office) text() string {
	o.t.Helper()
	s, err := chromedp.Run(o.ctx, chromedp.Text(chromedp.CSS("body")))
	if err != nil {
		o.t.Fatal(err)
	}
	return s
}

// expect checks that the page shows every one of wants.
func (o *office) expect(where string, wants ...string) {
	o.t.Helper()
	got := o.text()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			o.t.Errorf("%s: page lacks %q\n--- page text ---\n%s", where, w, lastBytes([]byte(got), 2500))
		}
	}
}

// location is the address of the page shown.
func (o *office) location() string {
	o.t.Helper()
	u, err := chromedp.Run(o.ctx, chromedp.Location())
	if err != nil {
		o.t.Fatal(err)
	}
	return u
}

// shot saves a full-page PNG and checks it is not empty.
func (o *office) shot(name string) {
	o.t.Helper()
	png, err := chromedp.Run(o.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		o.t.Fatalf("screenshot %s: %v", name, err)
	}
	if len(png) < 1000 || string(png[1:4]) != "PNG" {
		o.t.Fatalf("screenshot %s: %d bytes, not a PNG", name, len(png))
	}
	path := filepath.Join(o.dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		o.t.Fatal(err)
	}
	if st, err := os.Stat(path); err != nil || st.Size() == 0 {
		o.t.Fatalf("screenshot %s not saved: %v", path, err)
	}
}

// imagesLoaded waits until every image matching sel has loaded.
func (o *office) imagesLoaded(sel string) {
	o.t.Helper()
	expr := fmt.Sprintf(`(function () { var im = document.querySelectorAll(%q); return im.length > 0 && Array.prototype.every.call(im, function (i) { return i.complete && i.naturalWidth > 0; }); })()`, sel)
	if _, err := chromedp.Run(o.ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(20*time.Second), chromedp.WithPollingInterval(100*time.Millisecond))); err != nil {
		o.t.Fatalf("images %s did not load: %v", sel, err)
	}
}

// openConflict is what the admin API says of the conflict.
type openConflict struct {
	ID       string `json:"id"`
	RecordID string `json:"record_id"`
	Field    string `json:"field"`
	Current  struct {
		Value json.RawMessage `json:"value"`
		User  string          `json:"user"`
	} `json:"current"`
	Other struct {
		Value json.RawMessage `json:"value"`
		User  string          `json:"user"`
	} `json:"other"`
}

// TestBrowserOffice: a supervisor works through the office pages in a
// real browser against the real server while two phones sync: signs in,
// resolves the conflict the phones made (the phones pull the decision),
// approves a photo with the keyboard in the grid and asks for a retake in
// the large view (the phone pulls both), finds it all in the audit log,
// switches to English and signs out; an officer is turned away; a form
// without its CSRF token is refused; every page carries the strict CSP
// and nothing inline.
func TestBrowserOffice(t *testing.T) {
	exe := chromium(t)
	e := startServer(t)
	resp, err := http.Get(e.srv.URL + "/admin/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the server binary does not serve the office pages: GET /admin/login answered %s (is web.Handler mounted on the API's engine?)", resp.Status)
	}
	e.user("kepala", "supervisor", "urc-1")
	e.user("budi", "officer", "urc-1")
	e.user("sari", "officer", "urc-1")
	ctx := context.Background()

	// Two phones edit the same field of one encounter offline.
	a := e.phone("budi", client.Options{HTTPClient: mediaContractClient(t)})
	b := e.phone("sari", client.Options{})
	enc := newID()
	if _, err := a.Upsert("encounters", enc, encounterFields(map[string]any{"place_description": "Lapangan Merdeka", "occurred_at": "2026-11-20T10:15:00+07:00"})); err != nil {
		t.Fatal(err)
	}
	mustSync(t, a, b)
	a.Upsert("encounters", enc, map[string]any{"place_description": "Pasar Petisah"})
	b.Upsert("encounters", enc, map[string]any{"place_description": "Jalan Gatot Subroto"})
	if _, err := a.Push(ctx); err != nil {
		t.Fatal(err)
	}
	rep, err := b.Push(ctx)
	if err != nil || len(conflictsIn(rep)) != 1 {
		t.Fatalf("no conflict made: %+v %v", conflictsIn(rep), err)
	}
	// Photos of the encounter: one in place, one taken far away.
	near := phoneAddPhoto(t, a, enc, "medan.jpg")
	far := phoneAddPhoto(t, a, enc, "far_away.jpg")
	mustSync(t, a)
	if n, _ := a.PendingPhotos(); n != 0 {
		t.Fatalf("%d photos still waiting for upload", n)
	}

	var list struct {
		Items []openConflict `json:"items"`
	}
	sup := e.login("kepala")
	if st := e.call(sup.token, http.MethodGet, "/v1/admin/conflicts?status=open", nil, &list); st != 200 || len(list.Items) != 1 {
		t.Fatalf("admin API: %d, %d conflicts", st, len(list.Items))
	}
	cf := list.Items[0]
	var current, other string
	json.Unmarshal(cf.Current.Value, &current)
	json.Unmarshal(cf.Other.Value, &other)

	dir, err := os.MkdirTemp("", "urc-office-screens-")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", dir)
	o := &office{t: t, ctx: browserTab(t, exe), base: e.srv.URL, dir: dir}

	// Sign in through the form.
	o.open("/admin/", 200)
	if loc := o.location(); !strings.Contains(loc, "/admin/login") {
		t.Fatalf("/admin/ without a session shows %s, want the sign-in page", loc)
	}
	o.expect("login", "Masuk ke halaman kantor", "Nama pengguna", "Kata sandi")
	o.shot("01-login")
	if err := chromedp.Do(o.ctx,
		chromedp.SendKeys(chromedp.CSS("#username"), "kepala"),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
	); err != nil {
		t.Fatal(err)
	}
	o.submit("sign in", 200, chromedp.Click(chromedp.CSS(`#login-form button[type="submit"]`)))
	if loc := o.location(); !strings.HasSuffix(loc, "/admin/conflicts") {
		t.Fatalf("after sign-in: %s", loc)
	}

	// The inbox shows both values and who wrote them.
	o.expect("inbox", "Kotak masuk konflik", current, other, cf.Current.User, cf.Other.User, "Keterangan tempat", "Terbuka")
	o.shot("02-conflict-inbox")
	if err := chromedp.Do(o.ctx, chromedp.EmulateViewport(820, 1180, chromedp.EmulatePortrait)); err != nil {
		t.Fatal(err)
	}
	o.shot("02b-conflict-inbox-tablet")
	if err := chromedp.Do(o.ctx, chromedp.EmulateViewport(1366, 900)); err != nil {
		t.Fatal(err)
	}

	// The detail: record, both sides, devices, map link, photos; resolve.
	o.submit("open the conflict", 200, chromedp.Click(chromedp.CSS(`a[href="/admin/conflicts/`+cf.ID+`"]`)))
	o.expect("conflict", "Nilai sekarang (menang)", "Nilai lain (kalah)", current, other, a.DeviceID(), b.DeviceID(), "HP budi", "HP sari",
		"Data saat ini", "Anak Jalanan", "Lihat di peta", "Foto pertemuan ini")
	osm, err := chromedp.Run(o.ctx, chromedp.AttributeValue(chromedp.CSS(`a[href^="https://www.openstreetmap.org/"]`), "href"))
	if err != nil || !strings.HasPrefix(osm.Value, "https://www.openstreetmap.org/?mlat=3.5952&mlon=98.6722") {
		t.Errorf("map link: %+v %v", osm, err)
	}
	if err := chromedp.Do(o.ctx, chromedp.ScrollIntoView(chromedp.CSS(".thumbs"))); err != nil {
		t.Fatal(err)
	}
	o.imagesLoaded(".thumbs img")
	o.shot("03-conflict-detail")
	o.submit("resolve", 200, chromedp.Click(chromedp.CSS(`#resolve-form button[value="use_other"]`)))
	o.expect("resolved", "Konflik diselesaikan.", "Keputusan: Pakai nilai lain", "Diselesaikan oleh kepala")

	// Both phones pull the decision.
	mustSync(t, a, b)
	for _, p := range []*client.Client{a, b} {
		f, _, _, err := p.Record("encounters", enc)
		if err != nil || string(f["place_description"]) != string(cf.Other.Value) {
			t.Errorf("phone %s: place_description %s, want %s (%v)", p.DeviceID(), f["place_description"], cf.Other.Value, err)
		}
	}

	// Photo review: the grid with its EXIF warnings; `a` approves the
	// selected (first) photo without leaving the page.
	o.open("/admin/photos", 200)
	o.imagesLoaded(".photo-card img")
	o.expect("photo grid", "Tinjauan foto", "Lokasi tidak cocok", "Menunggu")
	o.shot("04-photo-grid")
	first, err := chromedp.Run(o.ctx, chromedp.Evaluate[string](`document.querySelector('.photo-card.selected').dataset.id`))
	if err != nil || (first != near && first != far) {
		t.Fatalf("selected card %q: %v", first, err)
	}
	second := near
	if first == near {
		second = far
	}
	if err := chromedp.Do(o.ctx, chromedp.KeyEvent("a")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(o.ctx, chromedp.Poll[bool](fmt.Sprintf(`document.getElementById('photo-%s').dataset.status === 'approved'`, first),
		chromedp.WithPollingTimeout(15*time.Second), chromedp.WithPollingInterval(100*time.Millisecond))); err != nil {
		t.Fatalf("`a` did not approve the photo: %v", err)
	}
	o.expect("photo grid after a", "Disetujui")
	o.noViolations("photo grid after a")
	o.shot("05-photo-grid-approved")
	mustSync(t, a)
	if f := phoneMediaFields(t, a, first); string(f["review_status"]) != `"approved"` {
		t.Errorf("phone: review_status %s after `a`, want approved", f["review_status"])
	}

	// The large view: preview and warnings; `n` asks for a retake.
	o.open("/admin/photos/"+second, 200)
	o.imagesLoaded(".preview img")
	o.expect("large view", "Catatan tinjauan", "Posisi (EXIF)", "Lihat di peta")
	o.shot("06-photo-large")
	if err := chromedp.Do(o.ctx, chromedp.SendKeys(chromedp.CSS("#review-note"), "mohon foto ulang, buram")); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(o.ctx, chromedp.Focus(chromedp.CSS(`a[data-back]`))); err != nil {
		t.Fatal(err)
	}
	o.submit("n in the large view", 200, chromedp.KeyEvent("n"))
	o.expect("after n", "Tinjauan disimpan.")
	mustSync(t, a)
	f := phoneMediaFields(t, a, second)
	if string(f["review_status"]) != `"needs_retake"` || string(f["review_note"]) != `"mohon foto ulang, buram"` {
		t.Errorf("phone: review %s %s after `n`, want needs_retake with the note", f["review_status"], f["review_note"])
	}

	// The other pages, and the audit log with the decisions.
	o.open("/admin/rejected", 200)
	o.expect("rejected", "Perubahan yang ditolak")
	o.open("/admin/devices", 200)
	o.expect("devices", "HP budi", "HP sari")
	o.shot("07-devices")
	o.open("/admin/audit", 200)
	o.expect("audit", "Log audit", "Konflik diselesaikan", "Foto ditinjau", "conflict/"+cf.ID, "media/"+first)
	o.shot("08-audit")

	// English on request, kept by the cookie.
	o.open("/admin/conflicts?lang=en&status=resolved", 200)
	o.expect("english inbox", "Conflict inbox", "Resolved", "team urc-1", "Log out")
	o.open("/admin/photos?status=all", 200)
	o.expect("english grid", "Photo review", "Approved", "Needs retake", "Location mismatch")
	o.shot("09-photo-grid-english")

	// Sign out; the officer is turned away.
	o.submit("sign out", 200, chromedp.Click(chromedp.CSS(`form[action="/admin/logout"] button`)))
	o.expect("signed out", "You are signed out.")
	if err := chromedp.Do(o.ctx,
		chromedp.SendKeys(chromedp.CSS("#username"), "budi"),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
	); err != nil {
		t.Fatal(err)
	}
	o.submit("officer signs in", http.StatusForbidden, chromedp.Click(chromedp.CSS(`#login-form button[type="submit"]`)))
	o.expect("officer", "The office pages are for supervisors and admins only.")
	o.shot("10-officer-refused")
	o.open("/admin/conflicts", 200)
	if loc := o.location(); !strings.Contains(loc, "/admin/login") {
		t.Errorf("officer reached %s", loc)
	}

	// Outside the browser: a form without its CSRF token is refused, and
	// every page carries the headers and nothing inline.
	raw := officeClient(t, e.srv.URL, "kepala")
	for _, path := range []string{"/admin/conflicts/" + cf.ID + "/resolve", "/admin/photos/" + second + "/review", "/admin/devices/" + b.DeviceID() + "/revoke"} {
		st, _, body := raw.post(path, url.Values{"resolution": {"keep_current"}, "decision": {"approved"}})
		if st != http.StatusForbidden {
			t.Errorf("POST %s without a CSRF token: %d, want 403\n%s", path, st, lastBytes([]byte(body), 500))
		}
	}
	if f := phoneMediaFields(t, a, second); string(f["review_status"]) != `"needs_retake"` {
		t.Errorf("a POST without a token changed the photo: %s", f["review_status"])
	}
	pages := []string{"/admin/login", "/admin/conflicts", "/admin/conflicts?status=all", "/admin/conflicts/" + cf.ID, "/admin/photos",
		"/admin/photos?status=all", "/admin/photos/" + first, "/admin/rejected", "/admin/devices", "/admin/audit", "/admin/users"}
	for _, path := range pages {
		st, h, body := raw.get(path)
		if st != 200 && !(path == "/admin/users" && st == http.StatusForbidden) {
			t.Errorf("%s: %d", path, st)
		}
		checkOfficeHeaders(t, path, h)
		if bad := inlineCode(body); len(bad) > 0 {
			t.Errorf("%s: %v", path, bad)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) < 10 {
		t.Errorf("%d screenshots saved in %s", len(entries), dir)
	}
}

func checkOfficeHeaders(t *testing.T, path string, h http.Header) {
	t.Helper()
	for k, v := range map[string]string{
		"Content-Security-Policy": officeCSP,
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "no-referrer",
		"X-Frame-Options":         "DENY",
	} {
		if got := h.Get(k); got != v {
			t.Errorf("%s: %s = %q, want %q", path, k, got, v)
		}
	}
}

// officeHTTP is a signed-in office session outside the browser.
type officeHTTP struct {
	t    *testing.T
	base string
	c    *http.Client
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// officeClient signs in through the form with a cookie jar.
func officeClient(t *testing.T, base, user string) *officeHTTP {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	o := &officeHTTP{t: t, base: base, c: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
	st, _, body := o.get("/admin/login")
	m := csrfField.FindStringSubmatch(body)
	if st != 200 || m == nil {
		t.Fatalf("sign-in form: %d (is the web handler mounted?)", st)
	}
	st, _, body = o.post("/admin/login", url.Values{"csrf": {m[1]}, "username": {user}, "password": {password}})
	if st != 200 || !strings.Contains(body, `action="/admin/logout"`) {
		t.Fatalf("sign in %s: %d", user, st)
	}
	return o
}

func (o *officeHTTP) get(path string) (int, http.Header, string) {
	o.t.Helper()
	resp, err := o.c.Get(o.base + path)
	if err != nil {
		o.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func (o *officeHTTP) post(path string, form url.Values) (int, http.Header, string) {
	o.t.Helper()
	resp, err := o.c.PostForm(o.base+path, form)
	if err != nil {
		o.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// inlineCode lists what the strict CSP would block in a page: <script>
// without src, <style> elements, style= and on…= attributes, javascript:
// URLs.
func inlineCode(page string) []string {
	var found []string
	z := html.NewTokenizer(strings.NewReader(page))
	for {
		switch z.Next() {
		case html.ErrorToken:
			if z.Err() == io.EOF {
				return found
			}
			return append(found, "unparsable: "+z.Err().Error())
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			src := false
			for _, a := range tok.Attr {
				k := strings.ToLower(a.Key)
				v := strings.ToLower(strings.TrimSpace(a.Val))
				switch {
				case k == "style":
					found = append(found, "<"+tok.Data+" style=…>")
				case strings.HasPrefix(k, "on"):
					found = append(found, "<"+tok.Data+" "+k+"=…>")
				case strings.HasPrefix(v, "javascript:"):
					found = append(found, "<"+tok.Data+" "+k+"=javascript:…>")
				}
				if k == "src" && a.Val != "" {
					src = true
				}
			}
			if tok.Data == "script" && !src {
				found = append(found, "<script> without src")
			}
			if tok.Data == "style" {
				found = append(found, "<style> element")
			}
		}
	}
}
