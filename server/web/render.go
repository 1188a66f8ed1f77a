package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"

	"github.com/gin-gonic/gin"

	"urcsync/server/core"
	"urcsync/syncproto"
)

// pageNames are the templates in templates/, each rendered inside
// layout.html.
var pageNames = []string{"login", "error", "conflicts", "conflict", "photos", "photo", "rejected", "devices", "users", "audit"}

func parsePages(fsys fs.FS, funcs template.FuncMap) (map[string]*template.Template, error) {
	pages := map[string]*template.Template{}
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(funcs).ParseFS(fsys, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// view is what every page template receives; Data is the page's own.
type view struct {
	L        *localizer
	Title    string
	Nav      string
	SignedIn bool
	User     core.Principal
	IsAdmin  bool
	CSRF     string
	// Flash is a confirmation; Problem an error shown at the top, with the
	// server's Detail under it.
	Flash   string
	Problem string
	Detail  string
	LangURL string
	// Self is the GET address of the page, for the language switch (the
	// request's own when empty).
	Self string
	Data any
}

// flashes are the confirmations a redirect may ask for with ?msg=.
var flashes = map[string]string{
	"resolved":      "conflicts.resolved_ok",
	"reviewed":      "photos.reviewed_ok",
	"revoked":       "devices.revoked_ok",
	"user_created":  "users.created_ok",
	"user_updated":  "users.updated_ok",
	"logged_out":    "login.logged_out",
	"session_ended": "login.session_ended",
}

// render writes the page name with status.
func (h *Handler) render(c *gin.Context, status int, name string, v view) {
	v.L = h.localizer(c)
	if p, ok := c.Get(keyPrincipal); ok {
		v.User = p.(core.Principal)
		v.SignedIn = true
		v.IsAdmin = v.User.IsAdmin()
		v.CSRF = c.GetString(keyCSRF)
	}
	if v.Flash == "" {
		if key, ok := flashes[c.Query("msg")]; ok {
			v.Flash = v.L.T(key)
		}
	}
	if v.Self == "" {
		v.Self = "/admin/conflicts"
		if c.Request.Method == http.MethodGet {
			v.Self = c.Request.URL.RequestURI()
		}
	}
	v.LangURL = switchURL(v.Self, v.L.Lang())
	var buf bytes.Buffer
	if err := h.pages[name].ExecuteTemplate(&buf, "layout", v); err != nil {
		h.log.Error("rendering a page", "page", name, "err", err)
		c.Header("Cache-Control", "no-store")
		c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte(v.L.T("error.internal", requestID(c))))
		c.Abort()
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

// requestID is the id the API's middleware gives every request, if any.
func requestID(c *gin.Context) string {
	if id := c.GetString("request_id"); id != "" {
		return id
	}
	return "-"
}

// errNotFound is the answer for what is absent or outside the scope.
var errNotFound = core.Errorf(syncproto.CodeNotFound, "not found")

// errorStatus maps an error code to the page's HTTP status.
func errorStatus(code string) int {
	switch code {
	case syncproto.CodeUnauthenticated, syncproto.CodeInvalidCredentials:
		return http.StatusUnauthorized
	case syncproto.CodeForbidden, syncproto.CodeUserDisabled:
		return http.StatusForbidden
	case syncproto.CodeNotFound:
		return http.StatusNotFound
	case syncproto.CodeConflictStale, syncproto.CodeAlreadyResolved, syncproto.CodeUsernameTaken:
		return http.StatusConflict
	case syncproto.CodeInvalidRequest, syncproto.CodeInvalidField, syncproto.CodeInvalidCursor,
		syncproto.CodeUnknownCollection, syncproto.CodeUnknownField, syncproto.CodeMissingField, syncproto.CodeReadOnlyField:
		return http.StatusBadRequest
	case syncproto.CodeRateLimited:
		return http.StatusTooManyRequests
	case syncproto.CodeStorageUnavailable, syncproto.CodeServiceUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// explain turns an error into a message for people, and the server's own
// message where it helps (validation); unexpected errors are logged and
// shown only by their request id.
func (h *Handler) explain(c *gin.Context, l *localizer, err error) (status int, msg, detail string) {
	if isCSRF(err) {
		return http.StatusForbidden, l.T("error.csrf"), ""
	}
	e, ok := core.AsError(err)
	if !ok || errorStatus(e.Code) == http.StatusInternalServerError {
		h.log.ErrorContext(c.Request.Context(), "office page failed", "request_id", requestID(c), "path", c.FullPath(), "err", err)
		return http.StatusInternalServerError, l.T("error.internal", requestID(c)), ""
	}
	status = errorStatus(e.Code)
	if m, ok := l.lookup("error." + e.Code); ok {
		msg = m
	} else {
		msg = l.T("error.unknown")
	}
	switch e.Code {
	case syncproto.CodeInvalidRequest, syncproto.CodeInvalidField, syncproto.CodeUnknownField,
		syncproto.CodeMissingField, syncproto.CodeReadOnlyField:
		detail = l.T("error.server_says", e.Message)
	}
	if e.RetryAfter > 0 {
		c.Header("Retry-After", fmt.Sprint(e.RetryAfter))
	}
	return status, msg, detail
}

// fail answers with the error page (or, to a script, a JSON error).
func (h *Handler) fail(c *gin.Context, err error) {
	l := h.localizer(c)
	status, msg, detail := h.explain(c, l, err)
	if wantsJSON(c) {
		c.AbortWithStatusJSON(status, gin.H{"error": gin.H{"code": core.ErrorCode(err), "message": msg}})
		return
	}
	h.render(c, status, "error", view{Title: l.T("error.title"), Problem: msg, Detail: detail})
	c.Abort()
}

// wantsJSON reports whether a script (review.js) made the request.
func wantsJSON(c *gin.Context) bool {
	return c.GetHeader("Accept") == "application/json"
}
