package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"urcsync/server/core"
	"urcsync/syncproto"
)

const principalKey = "principal"

func principal(c *gin.Context) core.Principal {
	p, _ := c.Get(principalKey)
	return p.(core.Principal)
}

// authenticate resolves the bearer token; /v1/ never accepts the office's
// session cookie.
func (s *Server) authenticate(c *gin.Context) {
	h := c.GetHeader("Authorization")
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		writeError(c, core.Errorf(syncproto.CodeUnauthenticated, "send Authorization: Bearer <token>"))
		return
	}
	p, err := s.cfg.Accounts.Authenticate(c.Request.Context(), strings.TrimSpace(token))
	if err != nil {
		writeError(c, err)
		return
	}
	p.Addr = c.ClientIP()
	c.Set(principalKey, p)
	c.Next()
}

// login is throttled per (username, address): failures slow the answer
// down, then are refused with 429 for a while; nobody else is affected.
func (s *Server) login(c *gin.Context) {
	var req syncproto.LoginRequest
	if err := bindJSON(c, &req); err != nil {
		writeError(c, err)
		return
	}
	addr := c.ClientIP()
	if ok, wait := s.throttle.Allow(req.Username, addr); !ok {
		writeError(c, retryAfter(syncproto.CodeRateLimited, wait, "too many failed logins: wait and try again"))
		return
	}
	resp, err := s.cfg.Accounts.Login(c.Request.Context(), req, addr)
	if err != nil {
		if core.ErrorCode(err) == syncproto.CodeInvalidCredentials {
			delay := s.throttle.Failure(req.Username, addr)
			select {
			case <-time.After(delay):
			case <-c.Request.Context().Done():
			}
		}
		writeError(c, err)
		return
	}
	s.throttle.Success(req.Username, addr)
	c.JSON(http.StatusOK, resp)
}

func (s *Server) logout(c *gin.Context) {
	if err := s.cfg.Accounts.Logout(c.Request.Context(), principal(c)); err != nil {
		writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
