package web

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"urcsync/syncproto"
)

// inlineCode lists what a strict CSP would block in page: inline
// scripts, style attributes and elements, event handler attributes and
// javascript: URLs.
func inlineCode(page string) []string {
	var found []string
	z := html.NewTokenizer(strings.NewReader(page))
	for {
		tt := z.Next()
		switch tt {
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
				switch {
				case k == "style":
					found = append(found, "<"+tok.Data+" style=…>")
				case strings.HasPrefix(k, "on"):
					found = append(found, "<"+tok.Data+" "+k+"=…>")
				case (k == "href" || k == "src" || k == "action") && strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:"):
					found = append(found, "javascript: URL")
				case k == "src":
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

// TestWebPagesHeadersAndNoInline: every page carries the security
// headers and contains nothing a strict CSP would block.
func TestWebPagesHeadersAndNoInline(t *testing.T) {
	e := newEnv(t)
	a := e.user("budi", syncproto.RoleOfficer, "urc-1")
	bp := e.user("sari", syncproto.RoleOfficer, "urc-1")
	e.user("admin", syncproto.RoleAdmin, "kantor")
	enc, cid := e.conflict(a, bp, "Pasar Petisah", "Jalan Gatot Subroto")
	photo := e.photo(a, enc, "medan.jpg")
	a.push(a.change("encounters", enc, map[string]any{"no_such_field": 1}, ""))

	b := e.browser()
	resp, body := b.get("/admin/login")
	checkPage(t, resp, body)
	b.login("admin")
	for _, path := range []string{"/admin/conflicts", "/admin/conflicts?status=all", "/admin/conflicts/" + cid, "/admin/photos",
		"/admin/photos/" + photo, "/admin/rejected", "/admin/devices", "/admin/users", "/admin/audit", "/admin/conflicts/nope"} {
		resp, body := b.get(path)
		checkPage(t, resp, body)
	}
	_, body = b.get("/admin/rejected")
	if !strings.Contains(body, "unknown_field") || !strings.Contains(body, "no_such_field") {
		t.Errorf("rejected change not listed")
	}
	resp, body = b.get("/admin/static/app.css")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("app.css: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, js := range []string{"app.js", "review.js"} {
		if resp, _ := b.get("/admin/static/" + js); resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") {
			t.Errorf("%s: %d %s", js, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
	if resp, _ := b.get("/admin/static/../handler.go"); resp.StatusCode == 200 {
		t.Errorf("static serves outside static/")
	}
}

func checkPage(t *testing.T, resp *http.Response, body string) {
	t.Helper()
	path := resp.Request.URL.RequestURI()
	want := map[string]string{
		"Content-Security-Policy": contentSecurityPolicy,
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "no-referrer",
		"X-Frame-Options":         "DENY",
	}
	for k, v := range want {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("%s: %s = %q, want %q", path, k, got, v)
		}
	}
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("%s: Content-Type %q", path, resp.Header.Get("Content-Type"))
	}
	if bad := inlineCode(body); len(bad) > 0 {
		t.Errorf("%s: %v", path, bad)
	}
}

func TestWebLanguage(t *testing.T) {
	e := newEnv(t)
	e.user("kepala", syncproto.RoleSupervisor, "urc-1")
	b := e.browser()
	b.login("kepala")
	_, body := b.get("/admin/conflicts")
	if !strings.Contains(body, "Kotak masuk konflik") || !strings.Contains(body, `href="/admin/conflicts?lang=en"`) {
		t.Fatalf("default language is not Bahasa Indonesia")
	}
	resp, body := b.get("/admin/conflicts?lang=en")
	if !strings.Contains(body, "Conflict inbox") || !strings.Contains(body, `lang="en"`) {
		t.Fatalf("?lang=en: no English")
	}
	var lang *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "lang" {
			lang = c
		}
	}
	if lang == nil || lang.Value != "en" {
		t.Fatalf("no lang cookie: %v", resp.Cookies())
	}
	_, body = b.get("/admin/audit")
	if !strings.Contains(body, "Audit log") || !strings.Contains(body, "Signed in") {
		t.Errorf("English not kept by the cookie")
	}
	_, body = b.get("/admin/audit?lang=xx")
	if !strings.Contains(body, "Audit log") {
		t.Errorf("unknown language replaced the chosen one")
	}
	_, body = b.get("/admin/audit?lang=id")
	if !strings.Contains(body, "Log audit") {
		t.Errorf("no way back to Bahasa Indonesia")
	}
}

func TestWebUsersAdmin(t *testing.T) {
	e := newEnv(t)
	e.user("admin", syncproto.RoleAdmin, "kantor")
	e.user("kepala", syncproto.RoleSupervisor, "urc-1")

	sup := e.browser()
	sup.login("kepala")
	if _, body := sup.get("/admin/conflicts"); strings.Contains(body, `href="/admin/users"`) {
		t.Errorf("supervisor's menu offers the users page")
	}
	resp, body := sup.get("/admin/users")
	expectStatus(t, resp, http.StatusForbidden, body)
	resp, body = sup.post("/admin/users", url.Values{"username": {"x"}, "password": {"password-1"}, "role": {"admin"}, "team_id": {"urc-1"}})
	expectStatus(t, resp, http.StatusForbidden, body)

	adm := e.browser()
	adm.login("admin")
	adm.get("/admin/users")
	resp, body = adm.post("/admin/users", url.Values{"username": {"tono"}, "password": {"password-123"}, "role": {"officer"}, "team_id": {"urc-2"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create user: %d %s", resp.StatusCode, lastChars(body, 2000))
	}
	_, body = adm.get("/admin/users?msg=user_created")
	if !strings.Contains(body, "Pengguna ditambahkan.") || !strings.Contains(body, "tono") {
		t.Fatalf("new user not listed")
	}
	resp, body = adm.post("/admin/users", url.Values{"username": {"tono"}, "password": {"password-123"}, "role": {"officer"}, "team_id": {"urc-2"}})
	expectStatus(t, resp, http.StatusConflict, body)
	if !strings.Contains(body, "sudah dipakai") || strings.Contains(body, "password-123") {
		t.Errorf("username_taken: no message, or the password echoed")
	}

	users, _ := e.db.ListUsers(t.Context(), e.user("admin", syncproto.RoleAdmin, "kantor").p)
	var id string
	for _, u := range users {
		if u.Username == "kepala" {
			id = u.ID
		}
	}
	for _, form := range []url.Values{
		{"op": {"role_team"}, "role": {"supervisor"}, "team_id": {"urc-3"}},
		{"op": {"password"}, "password": {"baru-rahasia-1"}},
		{"op": {"active"}, "active": {"false"}},
	} {
		adm.get("/admin/users")
		resp, body := adm.post("/admin/users/"+id, form)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%v: %d %s", form, resp.StatusCode, lastChars(body, 2000))
		}
	}
	users, _ = e.db.ListUsers(t.Context(), e.user("admin", syncproto.RoleAdmin, "kantor").p)
	for _, u := range users {
		if u.ID == id && (u.Active || u.TeamID != "urc-3") {
			t.Errorf("kepala after changes: %+v", u)
		}
	}
	if resp, _ := sup.get("/admin/conflicts"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("disabled supervisor still has a session: %d", resp.StatusCode)
	}
}
