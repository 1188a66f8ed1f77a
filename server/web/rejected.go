package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"urcsync/server/core"
)

// rejected lists what phones sent and the server refused, with why.
func (h *Handler) rejected(c *gin.Context) {
	d := pageData[core.RejectedChange]{Cursor: c.Query("cursor")}
	items, next, err := h.cfg.Office.ListRejected(c.Request.Context(), principal(c), core.Page{Limit: 50, Cursor: d.Cursor})
	if err != nil {
		h.fail(c, err)
		return
	}
	d.Items, d.Next = items, next
	h.render(c, http.StatusOK, "rejected", view{Title: h.localizer(c).T("rejected.title"), Nav: "rejected", Data: d})
}
