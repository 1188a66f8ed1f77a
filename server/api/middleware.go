package api

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"urcsync/server/core"
	"urcsync/syncproto"
)

const requestIDKey = "request_id"

func requestID(c *gin.Context) string { return c.GetString(requestIDKey) }

// withRequestID gives every request an id, echoed in X-Request-Id and
// carried by every log line about it.
func withRequestID(c *gin.Context) {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	c.Set(requestIDKey, id)
	c.Header("X-Request-Id", id)
	c.Next()
}

// logRequests writes one structured line per request and feeds the
// latency histogram.
func (s *Server) logRequests(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	d := time.Since(start)
	s.metrics.observeRequest(c.Request.Method, route, c.Writer.Status(), d)
	s.log.LogAttrs(c.Request.Context(), slog.LevelInfo, "request",
		slog.String("request_id", requestID(c)),
		slog.String("method", c.Request.Method),
		slog.String("route", route),
		slog.Int("status", c.Writer.Status()),
		slog.Duration("duration", d),
		slog.Int("bytes", c.Writer.Size()),
	)
}

// recoverPanic answers a panic with a generic 500 and logs it.
func (s *Server) recoverPanic(c *gin.Context, rec any) {
	s.log.Error("panic", "request_id", requestID(c), "panic", rec)
	writeError(c, core.Errorf(syncproto.CodeInternal, "internal error; quote request id %s", requestID(c)))
}

// securityHeaders sets the headers every answer carries.
func securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	c.Next()
}

func notFound(c *gin.Context) {
	writeError(c, core.Errorf(syncproto.CodeNotFound, "no such endpoint"))
}

// retryAfter is the error for a refused request, with its wait.
func retryAfter(code string, wait time.Duration, msg string) error {
	secs := int(wait.Seconds() + 0.999)
	return &core.Error{Code: code, Message: msg, RetryAfter: max(secs, 1)}
}

var _ http.Handler = (*gin.Engine)(nil)
