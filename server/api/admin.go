package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"urcsync/server/core"
)

// paged is the shape of every paged list answer; cursor is empty on the
// last page.
type paged[T any] struct {
	Items   []T    `json:"items"`
	Cursor  string `json:"cursor"`
	HasMore bool   `json:"has_more"`
}

// list is the shape of an unpaged list answer.
type list[T any] struct {
	Items []T `json:"items"`
}

func page(c *gin.Context) core.Page {
	n, _ := strconv.Atoi(c.Query("limit"))
	return core.Page{Limit: n, Cursor: c.Query("cursor")}
}

// answer writes v with status, or the error.
func answer[T any](c *gin.Context, status int, v T, err error) {
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(status, v)
}

func (s *Server) listRejected(c *gin.Context) {
	items, next, err := s.cfg.Office.ListRejected(c.Request.Context(), principal(c), page(c))
	answer(c, http.StatusOK, paged[core.RejectedChange]{Items: items, Cursor: next, HasMore: next != ""}, err)
}

func (s *Server) listDevices(c *gin.Context) {
	items, err := s.cfg.Accounts.ListDevices(c.Request.Context(), principal(c))
	answer(c, http.StatusOK, list[core.Device]{Items: items}, err)
}

func (s *Server) revokeDevice(c *gin.Context) {
	d, err := s.cfg.Accounts.RevokeDevice(c.Request.Context(), principal(c), c.Param("id"))
	answer(c, http.StatusOK, d, err)
}

func (s *Server) listUsers(c *gin.Context) {
	items, err := s.cfg.Accounts.ListUsers(c.Request.Context(), principal(c))
	answer(c, http.StatusOK, list[core.UserAccount]{Items: items}, err)
}

func (s *Server) createUser(c *gin.Context) {
	var u core.NewUser
	if err := bindJSON(c, &u); err != nil {
		writeError(c, err)
		return
	}
	created, err := s.cfg.Accounts.CreateUser(c.Request.Context(), principal(c), u)
	answer(c, http.StatusCreated, created, err)
}

func (s *Server) updateUser(c *gin.Context) {
	var patch core.UserPatch
	if err := bindJSON(c, &patch); err != nil {
		writeError(c, err)
		return
	}
	u, err := s.cfg.Accounts.UpdateUser(c.Request.Context(), principal(c), c.Param("id"), patch)
	answer(c, http.StatusOK, u, err)
}

func (s *Server) listAudit(c *gin.Context) {
	items, next, err := s.cfg.Office.ListAudit(c.Request.Context(), principal(c), page(c))
	answer(c, http.StatusOK, paged[core.AuditEntry]{Items: items, Cursor: next, HasMore: next != ""}, err)
}

func (s *Server) restoreRecord(c *gin.Context) {
	rc, err := s.cfg.Office.RestoreRecord(c.Request.Context(), principal(c), c.Param("collection"), c.Param("id"))
	answer(c, http.StatusOK, rc, err)
}
