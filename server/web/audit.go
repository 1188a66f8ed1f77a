package web

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"urcsync/server/core"
)

// audit pages through the audit log of the caller's scope.
func (h *Handler) audit(c *gin.Context) { listPage(h, c, "audit", h.cfg.Office.ListAudit) }

// listPage renders one page of a newest-first office list on the page
// named name (also its title key and navigation entry).
func listPage[T any](h *Handler, c *gin.Context, name string, list func(context.Context, core.Principal, core.Page) ([]T, string, error)) {
	d := pageData[T]{Cursor: c.Query("cursor")}
	items, next, err := list(c.Request.Context(), principal(c), core.Page{Limit: 50, Cursor: d.Cursor})
	if err != nil {
		h.fail(c, err)
		return
	}
	d.Items, d.Next = items, next
	h.render(c, http.StatusOK, name, view{Title: h.localizer(c).T(name + ".title"), Nav: name, Data: d})
}
