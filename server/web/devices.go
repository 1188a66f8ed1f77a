package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// devices lists the phones of the caller's scope.
func (h *Handler) devices(c *gin.Context) {
	items, err := h.cfg.Accounts.ListDevices(c.Request.Context(), principal(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "devices", view{Title: h.localizer(c).T("devices.title"), Nav: "devices", Data: items})
}

// revoke revokes a device; its phone wipes its data on its next request.
func (h *Handler) revoke(c *gin.Context) {
	if _, err := h.cfg.Accounts.RevokeDevice(c.Request.Context(), principal(c), strings.ToLower(c.Param("id"))); err != nil {
		h.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/devices?msg=revoked")
}
