package api

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"urcsync/server/core"
	"urcsync/syncproto"
)

func (s *Server) healthz(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) }

// readyz asks every dependency; any failure is 503 naming the failing
// ones (never their error text).
func (s *Server) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 3*time.Second)
	defer cancel()
	failing := map[string]any{}
	for name, chk := range s.cfg.Checks {
		if err := chk.Ready(ctx); err != nil {
			s.log.Warn("readiness check failed", "check", name, "err", err)
			failing[name] = "unavailable"
		}
	}
	if len(failing) > 0 {
		writeError(c, &core.Error{Code: syncproto.CodeServiceUnavailable, Message: "a dependency is unavailable", Details: failing, RetryAfter: 5})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}

func (s *Server) openapi(c *gin.Context) {
	c.Data(http.StatusOK, "application/yaml", s.cfg.OpenAPI)
}
