package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"urcsync/server/core"
)

// audit pages through the audit log of the caller's scope.
func (h *Handler) audit(c *gin.Context) {
	d := pageData[core.AuditEntry]{Cursor: c.Query("cursor")}
	items, next, err := h.cfg.Office.ListAudit(c.Request.Context(), principal(c), core.Page{Limit: 50, Cursor: d.Cursor})
	if err != nil {
		h.fail(c, err)
		return
	}
	d.Items, d.Next = items, next
	h.render(c, http.StatusOK, "audit", view{Title: h.localizer(c).T("audit.title"), Nav: "audit", Data: d})
}
