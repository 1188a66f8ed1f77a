package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"urcsync/server/core"
	"urcsync/syncproto"
)

func TestWebLoginAndLogout(t *testing.T) {
	e := newEnv(t)
	e.user("kepala", syncproto.RoleSupervisor, "urc-1")
	b := e.browser()

	resp, _ := b.get("/admin/")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/admin/login?next=") {
		t.Fatalf("unsigned /admin/: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body := b.get("/admin/login")
	expectStatus(t, resp, 200, body)
	if !strings.Contains(body, "Masuk ke halaman kantor") || !strings.Contains(body, `lang="id"`) {
		t.Fatalf("login page not in Bahasa Indonesia:\n%s", body)
	}

	resp, body = b.post("/admin/login", url.Values{"username": {"kepala"}, "password": {"salah"}})
	expectStatus(t, resp, http.StatusUnauthorized, body)
	if !strings.Contains(body, "Nama pengguna atau kata sandi salah.") {
		t.Errorf("wrong password: no message")
	}

	resp, body = b.post("/admin/login", url.Values{"username": {"kepala"}, "password": {testPassword}, "next": {"/admin/audit"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/audit" {
		t.Fatalf("login: %d %s %s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie {
			session = c
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteStrictMode || session.Path != "/admin" || session.Secure {
		t.Fatalf("session cookie: %+v", session)
	}
	if !strings.Contains(resp.Header.Get("Set-Cookie")+strings.Join(resp.Header.Values("Set-Cookie"), ";"), "SameSite=Strict") {
		t.Errorf("no SameSite=Strict in %q", resp.Header.Values("Set-Cookie"))
	}
	resp, body = b.get("/admin/audit")
	expectStatus(t, resp, 200, body)
	if !strings.Contains(body, "kepala") {
		t.Errorf("audit page does not show the user")
	}

	// An open redirect is not followed.
	b2 := e.browser()
	b2.get("/admin/login")
	resp, _ = b2.post("/admin/login", url.Values{"username": {"kepala"}, "password": {testPassword}, "next": {"//evil.example/x"}})
	if loc := resp.Header.Get("Location"); loc != "/admin/conflicts" {
		t.Errorf("next=//evil.example: redirected to %q", loc)
	}

	// Logout ends the session on the server: the old cookie is worthless.
	b.get("/admin/conflicts")
	resp, _ = b.post("/admin/logout", nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	if _, _, err := e.db.Session(context.Background(), session.Value); core.ErrorCode(err) != syncproto.CodeUnauthenticated {
		t.Errorf("session after logout: %v", err)
	}
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/admin/conflicts", nil)
	req.AddCookie(session)
	resp, _ = b.do(req)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/admin/login") {
		t.Errorf("old cookie after logout: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestWebLoginRefusals(t *testing.T) {
	e := newEnv(t)
	e.user("budi", syncproto.RoleOfficer, "urc-1")
	lain := e.user("lain", syncproto.RoleSupervisor, "urc-2")
	admin := e.user("admin", syncproto.RoleAdmin, "kantor")

	b := e.browser()
	b.get("/admin/login")
	resp, body := b.post("/admin/login", url.Values{"username": {"budi"}, "password": {testPassword}})
	expectStatus(t, resp, http.StatusForbidden, body)
	if !strings.Contains(body, "hanya untuk supervisor dan admin") {
		t.Errorf("officer: no message")
	}

	// Without the form's token the sign-in is refused.
	b2 := e.browser()
	resp, body = b2.post("/admin/login", url.Values{"username": {"lain"}, "password": {testPassword}, "csrf": {"made-up"}})
	expectStatus(t, resp, http.StatusForbidden, body)

	// A disabled user cannot sign in; one disabled while signed in is out.
	b3 := e.browser()
	b3.login("lain")
	off := false
	if _, err := e.db.UpdateUser(context.Background(), admin.p, lain.p.UserID, core.UserPatch{Active: &off}); err != nil {
		t.Fatal(err)
	}
	resp, _ = b3.get("/admin/conflicts")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/admin/login") {
		t.Errorf("disabled user's session: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	b3.get("/admin/login")
	resp, body = b3.post("/admin/login", url.Values{"username": {"lain"}, "password": {testPassword}})
	expectStatus(t, resp, http.StatusForbidden, body)
	if !strings.Contains(body, "dinonaktifkan") {
		t.Errorf("disabled user: no message")
	}
}

func TestWebLoginThrottle(t *testing.T) {
	e := newEnv(t)
	e.user("kepala", syncproto.RoleSupervisor, "urc-1")
	e.throttle.Free = 1
	e.throttle.MaxWait = time.Minute
	b := e.browser()
	b.get("/admin/login")
	for range 2 {
		resp, body := b.post("/admin/login", url.Values{"username": {"kepala"}, "password": {"salah"}})
		expectStatus(t, resp, http.StatusUnauthorized, body)
	}
	resp, body := b.post("/admin/login", url.Values{"username": {"kepala"}, "password": {testPassword}})
	expectStatus(t, resp, http.StatusTooManyRequests, body)
	if resp.Header.Get("Retry-After") == "" || !strings.Contains(body, "Terlalu banyak percobaan masuk") {
		t.Errorf("throttled: Retry-After %q, body lacks the message", resp.Header.Get("Retry-After"))
	}
	// Another address is not affected.
	if ok, _ := e.throttle.Allow("kepala", "192.0.2.1"); !ok {
		t.Errorf("another address is throttled too")
	}
}

func TestWebCSRF(t *testing.T) {
	e := newEnv(t)
	e.user("kepala", syncproto.RoleSupervisor, "urc-1")
	budi := e.user("budi", syncproto.RoleOfficer, "urc-1")
	b := e.browser()
	b.login("kepala")
	path := "/admin/devices/" + budi.p.DeviceID + "/revoke"
	for _, tok := range []string{"", "wrong"} {
		resp, body := b.post(path, url.Values{"csrf": {tok}})
		expectStatus(t, resp, http.StatusForbidden, body)
		if !strings.Contains(body, "Formulir ini tidak sah") {
			t.Errorf("csrf %q: no message", tok)
		}
	}
	devs, _ := e.db.ListDevices(context.Background(), budi.p)
	for _, d := range devs {
		if d.Revoked {
			t.Fatalf("device revoked without a token")
		}
	}
	b.get("/admin/devices")
	resp, body := b.post(path, nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke with token: %d %s", resp.StatusCode, body)
	}
	_, body = b.get("/admin/devices?msg=revoked")
	if !strings.Contains(body, "Perangkat dicabut.") {
		t.Errorf("no confirmation after revoke")
	}
}
