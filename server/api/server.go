// Package api is the HTTP surface of the sync server (protocol v1), built
// on Gin. It speaks only to the core service interfaces, never to SQL or
// object storage.
package api

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"urcsync/server/admit"
	"urcsync/server/auth"
	"urcsync/server/core"
)

// Config is what the HTTP layer needs.
type Config struct {
	Sync     core.Sync
	Accounts core.Accounts
	Office   core.Office
	Media    core.Media
	Desk     core.Desk
	// MaxMediaBytes is announced as Tus-Max-Size.
	MaxMediaBytes int64
	// Checks are the dependencies /readyz asks, by name.
	Checks map[string]core.Checker
	// OpenAPI is the contract served at /openapi.yaml.
	OpenAPI []byte
	// Throttle limits failed logins (a default one when nil).
	Throttle *auth.Throttle
	// TrustedProxies are addresses whose X-Forwarded-For is believed;
	// none by default.
	TrustedProxies []string
	// Pages are the office's web pages, mounted on the same engine so the
	// request id, logs, recovery and security headers cover them.
	Pages interface{ Mount(*gin.Engine) }
	// Gate admits the CPU-heavy part of pull answers (admit.ForCPUs when
	// nil); share the store's, so that pulls and push checks together
	// leave its writer a CPU.
	Gate *admit.Gate
	// Registry receives the metrics (a new one when nil).
	Registry *prometheus.Registry
	Logger   *slog.Logger
}

// Server is the HTTP handler of the sync server.
type Server struct {
	cfg      Config
	log      *slog.Logger
	metrics  *metrics
	throttle *auth.Throttle
	engine   *gin.Engine
}

// New builds the handler.
func New(cfg Config) (*Server, error) {
	gin.SetMode(gin.ReleaseMode)
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Throttle == nil {
		cfg.Throttle = auth.NewThrottle()
	}
	if cfg.Gate == nil {
		cfg.Gate = admit.ForCPUs()
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	if cfg.MaxMediaBytes == 0 {
		cfg.MaxMediaBytes = 25 << 20
	}
	s := &Server{cfg: cfg, log: cfg.Logger, throttle: cfg.Throttle, metrics: newMetrics(cfg.Registry)}
	e := gin.New()
	if err := e.SetTrustedProxies(cfg.TrustedProxies); err != nil {
		return nil, err
	}
	e.HandleMethodNotAllowed = false
	e.Use(withRequestID, s.logRequests, gin.CustomRecovery(s.recoverPanic), securityHeaders)
	e.NoRoute(notFound)

	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", s.metricsHandler())
	e.GET("/openapi.yaml", s.openapi)

	v1 := e.Group("/v1", gzipJSON, tusResumable)
	v1.POST("/auth/login", s.login)
	authed := v1.Group("", s.authenticate)
	authed.POST("/auth/logout", s.logout)
	authed.POST("/sync/push", s.push)
	authed.GET("/sync/pull", s.pull)
	if cfg.Media != nil {
		s.mediaRoutes(e, authed)
	}
	admin := authed.Group("/admin")
	admin.GET("/rejected", s.listRejected)
	admin.GET("/audit", s.listAudit)
	admin.POST("/records/:collection/:id/restore", s.restoreRecord)
	if cfg.Desk != nil {
		admin.GET("/conflicts", s.listConflicts)
		admin.GET("/conflicts/:id", s.getConflict)
		admin.POST("/conflicts/:id/resolve", s.resolveConflict)
		admin.GET("/media", s.listMedia)
		admin.POST("/media/:id/review", s.reviewMedia)
		admin.POST("/records/:collection/:id/purge", s.purgeRecord)
	}
	admin.GET("/devices", s.listDevices)
	admin.POST("/devices/:id/revoke", s.revokeDevice)
	admin.GET("/users", s.listUsers)
	admin.POST("/users", s.createUser)
	admin.PATCH("/users/:id", s.updateUser)
	if cfg.Pages != nil {
		cfg.Pages.Mount(e)
	}
	s.engine = e
	return s, nil
}

// mediaRoutes serves §5: whole-file uploads, tus uploads, derivatives
// and originals.
func (s *Server) mediaRoutes(e *gin.Engine, authed *gin.RouterGroup) {
	e.OPTIONS("/v1/media/:id/uploads", tusHeaders, s.tusOptions)
	m := authed.Group("/media/:id")
	m.PUT("/content", s.putContent)
	m.GET("/content", s.getOriginal)
	m.GET("/thumbnail", s.getDerivative(core.Thumbnail))
	m.GET("/preview", s.getDerivative(core.Preview))
	tus := m.Group("/uploads", tusHeaders)
	tus.POST("", s.createUpload)
	tus.HEAD("/:upload", s.headUpload)
	tus.PATCH("/:upload", s.patchUpload)
	tus.DELETE("/:upload", s.deleteUpload)
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var cut bool
	s.engine.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), cutKey{}, &cut)))
	if cut {
		// Outside gin, whose recovery would swallow it: net/http closes
		// the connection (or resets the stream) under the begun answer.
		panic(http.ErrAbortHandler)
	}
}

// cutKey marks, in a request's context, the flag a handler sets to have
// its begun answer cut short.
type cutKey struct{}

// cutConnection has the client's connection closed under an answer that
// has begun, which the client then sees cut short.
func cutConnection(c *gin.Context) {
	c.Abort()
	if cut, ok := c.Request.Context().Value(cutKey{}).(*bool); ok {
		*cut = true
	}
}
