package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"urcsync/server/core"
	"urcsync/syncproto"
)

const (
	// sessionCookie carries the random token of a server-side session.
	sessionCookie = "urc_session"
	// loginCookie carries the CSRF token of the sign-in form (there is no
	// session yet to hold it).
	loginCookie = "urc_login"
	cookiePath  = "/admin"
	loginPath   = "/admin/login"
	// csrfField is the hidden form field; csrfHeader the header scripts send.
	csrfField  = "csrf"
	csrfHeader = "X-CSRF-Token"

	keyPrincipal = "web.principal"
	keyCSRF      = "web.csrf"
	keyToken     = "web.token"
)

// requireSession resolves the session cookie, lets only office users
// through and, for anything but GET and HEAD, demands the session's CSRF
// token (403 otherwise).
func (h *Handler) requireSession(c *gin.Context) {
	token, _ := c.Cookie(sessionCookie)
	if token == "" {
		h.toLogin(c, "")
		return
	}
	p, csrf, err := h.cfg.Sessions.Session(c.Request.Context(), token)
	if err != nil {
		if core.ErrorCode(err) == syncproto.CodeUnauthenticated {
			setCookie(c, sessionCookie, "", cookiePath, -1)
			h.toLogin(c, "session_ended")
			return
		}
		h.fail(c, err)
		return
	}
	if !p.IsOffice() {
		h.fail(c, core.Errorf(syncproto.CodeForbidden, "the office pages are for supervisors and admins"))
		return
	}
	p.Addr = c.ClientIP()
	c.Set(keyPrincipal, p)
	c.Set(keyCSRF, csrf)
	c.Set(keyToken, token)
	if c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead && !validCSRF(c, csrf) {
		h.fail(c, errCSRF)
		return
	}
	c.Next()
}

// errCSRF is a state-changing request without its form's token.
var errCSRF = &core.Error{Code: syncproto.CodeForbidden, Message: "missing or wrong CSRF token", Details: map[string]any{"csrf": true}}

func isCSRF(err error) bool {
	e, ok := core.AsError(err)
	return ok && e.Details != nil && e.Details["csrf"] == true
}

// validCSRF compares the request's token (header or form field) with want
// in constant time.
func validCSRF(c *gin.Context, want string) bool {
	got := c.GetHeader(csrfHeader)
	if got == "" {
		got = c.PostForm(csrfField)
	}
	return want != "" && got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// toLogin sends a visitor without a session to the sign-in page, back
// here afterwards.
func (h *Handler) toLogin(c *gin.Context, msg string) {
	q := url.Values{}
	if c.Request.Method == http.MethodGet {
		q.Set("next", c.Request.URL.RequestURI())
	}
	if msg != "" {
		q.Set("msg", msg)
	}
	target := loginPath
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	c.Redirect(http.StatusSeeOther, target)
	c.Abort()
}

// principal is the signed-in office user of the request.
func principal(c *gin.Context) core.Principal {
	p, _ := c.Get(keyPrincipal)
	v, _ := p.(core.Principal)
	return v
}

// localPath returns s when it is a path of these pages, else "": a
// redirect target taken from a request never leaves the site.
func localPath(s string) string {
	if !strings.HasPrefix(s, "/admin/") || strings.HasPrefix(s, "//") || strings.ContainsAny(s, "\\\r\n") {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return ""
	}
	return s
}

// randomToken returns 192 random bits, URL-safe.
func randomToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
