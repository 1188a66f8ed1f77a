package web

import (
	"embed"
	"errors"
	"html/template"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"urcsync/server/auth"
	"urcsync/server/core"
)

//go:embed templates/*.html static/* i18n/*.json
var files embed.FS

// Config is what the office pages need.
type Config struct {
	Desk     core.Desk
	Sessions core.Sessions
	Accounts core.Accounts
	Office   core.Office
	// Media serves thumbnails and previews; without it photos show no image.
	Media core.Media
	// Throttle limits failed sign-ins per (username, address); pass the
	// one the API uses so that both count the same failures.
	Throttle *auth.Throttle
	Logger   *slog.Logger
}

// Handler serves the office pages.
type Handler struct {
	cfg    Config
	log    *slog.Logger
	cat    *catalog
	pages  map[string]*template.Template
	assets *assets
}

// New checks the configuration and parses the templates, catalogues and
// assets.
func New(cfg Config) (*Handler, error) {
	if cfg.Desk == nil || cfg.Sessions == nil || cfg.Accounts == nil || cfg.Office == nil {
		return nil, errors.New("web: Desk, Sessions, Accounts and Office are required")
	}
	if cfg.Throttle == nil {
		cfg.Throttle = auth.NewThrottle()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	cat, err := loadCatalog(files)
	if err != nil {
		return nil, err
	}
	st, err := loadAssets(files)
	if err != nil {
		return nil, err
	}
	h := &Handler{cfg: cfg, log: cfg.Logger, cat: cat, assets: st}
	if h.pages, err = parsePages(files, h.funcs()); err != nil {
		return nil, err
	}
	return h, nil
}

// Mount adds the pages to e under /admin/.
func (h *Handler) Mount(e *gin.Engine) {
	g := e.Group("/admin", h.secure, h.language)
	g.GET("/static/*file", h.static)
	g.GET("/login", h.loginPage)
	g.POST("/login", h.limitBody, h.login)

	a := g.Group("", h.limitBody, h.requireSession)
	a.GET("", h.home)
	a.GET("/", h.home)
	a.POST("/logout", h.logout)
	a.GET("/conflicts", h.conflicts)
	a.GET("/conflicts/:id", h.conflict)
	a.POST("/conflicts/:id/resolve", h.resolve)
	a.GET("/photos", h.photos)
	a.GET("/photos/:id", h.photo)
	a.POST("/photos/:id/review", h.review)
	a.GET("/media/:id/thumbnail", h.derivative(core.Thumbnail))
	a.GET("/media/:id/preview", h.derivative(core.Preview))
	a.GET("/rejected", h.rejected)
	a.GET("/devices", h.devices)
	a.POST("/devices/:id/revoke", h.revoke)
	a.GET("/users", h.users)
	a.POST("/users", h.createUser)
	a.POST("/users/:id", h.updateUser)
	a.GET("/audit", h.audit)
}

func (h *Handler) home(c *gin.Context) {
	c.Redirect(http.StatusSeeOther, "/admin/conflicts")
}
