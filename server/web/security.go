package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// contentSecurityPolicy allows nothing inline and nothing from elsewhere.
const contentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// maxFormBytes bounds a form body.
const maxFormBytes = 64 << 10

// secure sets the headers every answer under /admin/ carries.
func (h *Handler) secure(c *gin.Context) {
	hd := c.Writer.Header()
	hd.Set("Content-Security-Policy", contentSecurityPolicy)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Cross-Origin-Opener-Policy", "same-origin")
	c.Next()
}

// limitBody bounds request bodies; forms here are small.
func (h *Handler) limitBody(c *gin.Context) {
	if c.Request.Body != nil {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxFormBytes)
	}
	c.Next()
}

// overTLS reports whether the request came over TLS; cookies are then
// marked Secure.
func overTLS(c *gin.Context) bool { return c.Request.TLS != nil }

// setCookie sets an HttpOnly, SameSite=Strict cookie under /admin
// (maxAge < 0 deletes it, 0 makes it last for the browser session).
func setCookie(c *gin.Context, name, value, path string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: name, Value: value, Path: path, MaxAge: maxAge,
		HttpOnly: true, Secure: overTLS(c), SameSite: http.SameSiteStrictMode,
	})
}
