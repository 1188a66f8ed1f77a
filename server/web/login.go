package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"urcsync/server/core"
	"urcsync/syncproto"
)

// loginData is the sign-in form.
type loginData struct {
	Username string
	Next     string
	Token    string
}

// loginPage shows the form; someone already signed in goes on.
func (h *Handler) loginPage(c *gin.Context) {
	next := localPath(c.Query("next"))
	if token, _ := c.Cookie(sessionCookie); token != "" {
		if p, _, err := h.cfg.Sessions.Session(c.Request.Context(), token); err == nil && p.IsOffice() {
			c.Redirect(http.StatusSeeOther, orDefault(next, "/admin/conflicts"))
			return
		}
	}
	h.showLogin(c, http.StatusOK, loginData{Next: next}, "")
}

// showLogin renders the form with a fresh form token.
func (h *Handler) showLogin(c *gin.Context, status int, d loginData, problem string) {
	d.Token = randomToken()
	setCookie(c, loginCookie, d.Token, loginPath, 3600)
	l := h.localizer(c)
	h.render(c, status, "login", view{Title: l.T("login.title"), Problem: problem, Self: loginPath, Data: d})
}

// login checks the form token, the throttle and the credentials, then
// opens a server-side session.
func (h *Handler) login(c *gin.Context) {
	l := h.localizer(c)
	username := strings.TrimSpace(c.PostForm("username"))
	password := c.PostForm("password")
	d := loginData{Username: username, Next: localPath(c.PostForm("next"))}
	want, _ := c.Cookie(loginCookie)
	if !validCSRF(c, want) {
		h.showLogin(c, http.StatusForbidden, d, l.T("login.form_expired"))
		return
	}
	addr := c.ClientIP()
	if ok, wait := h.cfg.Throttle.Allow(username, addr); !ok {
		secs := max(int(wait.Seconds()+0.999), 1)
		c.Header("Retry-After", strconv.Itoa(secs))
		h.showLogin(c, http.StatusTooManyRequests, d, l.T("login.throttled", secs))
		return
	}
	ctx := c.Request.Context()
	token, _, _, err := h.cfg.Sessions.StartSession(ctx, username, password, addr)
	if err != nil {
		switch core.ErrorCode(err) {
		case syncproto.CodeInvalidCredentials:
			delay := h.cfg.Throttle.Failure(username, addr)
			select {
			case <-time.After(delay):
			case <-ctx.Done():
			}
			h.showLogin(c, http.StatusUnauthorized, d, l.T("login.invalid"))
		case syncproto.CodeUserDisabled:
			h.showLogin(c, http.StatusForbidden, d, l.T("login.disabled"))
		case syncproto.CodeForbidden:
			h.showLogin(c, http.StatusForbidden, d, l.T("login.officer"))
		default:
			h.fail(c, err)
		}
		return
	}
	h.cfg.Throttle.Success(username, addr)
	setCookie(c, loginCookie, "", loginPath, -1)
	setCookie(c, sessionCookie, token, cookiePath, 0)
	c.Redirect(http.StatusSeeOther, orDefault(d.Next, "/admin/conflicts"))
}

// logout ends the session on the server and forgets the cookie.
func (h *Handler) logout(c *gin.Context) {
	if err := h.cfg.Sessions.EndSession(c.Request.Context(), c.GetString(keyToken)); err != nil {
		h.fail(c, err)
		return
	}
	setCookie(c, sessionCookie, "", cookiePath, -1)
	c.Redirect(http.StatusSeeOther, loginPath+"?msg=logged_out")
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
