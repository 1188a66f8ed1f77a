package web

import (
	"net/url"

	"github.com/gin-gonic/gin"
)

const (
	langCookie = "lang"
	langParam  = "lang"
	keyLang    = "web.lang"
)

// language picks the page language: ?lang= (remembered in the lang
// cookie), else the cookie, else Bahasa Indonesia.
func (h *Handler) language(c *gin.Context) {
	lang := defaultLang
	if q := c.Query(langParam); h.cat.has(q) {
		lang = q
		setCookie(c, langCookie, q, cookiePath, 365*24*3600)
	} else if ck, err := c.Cookie(langCookie); err == nil && h.cat.has(ck) {
		lang = ck
	}
	c.Set(keyLang, lang)
	c.Next()
}

func (h *Handler) localizer(c *gin.Context) *localizer {
	return h.cat.localizer(c.GetString(keyLang))
}

// switchURL is the URL of the page at self in the other language.
func switchURL(self, lang string) string {
	other := "en"
	if lang == "en" {
		other = "id"
	}
	u, err := url.Parse(self)
	if err != nil {
		u = &url.URL{Path: "/admin/conflicts"}
	}
	q := u.Query()
	q.Set(langParam, other)
	q.Del("msg")
	u.RawQuery = q.Encode()
	return u.RequestURI()
}
