package web

import "github.com/gin-gonic/gin"

// rejected lists what phones sent and the server refused, with why.
func (h *Handler) rejected(c *gin.Context) { listPage(h, c, "rejected", h.cfg.Office.ListRejected) }
