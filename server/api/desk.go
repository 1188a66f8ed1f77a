package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"urcsync/server/core"
)

func (s *Server) listConflicts(c *gin.Context) {
	f := core.ConflictFilter{Status: c.Query("status"), Collection: c.Query("collection"), Page: page(c)}
	items, next, err := s.cfg.Desk.ListConflicts(c.Request.Context(), principal(c), f)
	answer(c, http.StatusOK, paged[core.Conflict]{Items: items, Cursor: next, HasMore: next != ""}, err)
}

func (s *Server) getConflict(c *gin.Context) {
	conflict, err := s.cfg.Desk.GetConflict(c.Request.Context(), principal(c), c.Param("id"))
	answer(c, http.StatusOK, conflict, err)
}

func (s *Server) resolveConflict(c *gin.Context) {
	var r core.Resolution
	if err := bindJSON(c, &r); err != nil {
		writeError(c, err)
		return
	}
	conflict, err := s.cfg.Desk.ResolveConflict(c.Request.Context(), principal(c), c.Param("id"), r)
	answer(c, http.StatusOK, conflict, err)
}

func (s *Server) listMedia(c *gin.Context) {
	f := core.MediaFilter{ReviewStatus: c.Query("review_status"), Flag: c.Query("flag"), Page: page(c)}
	items, next, err := s.cfg.Desk.ListMedia(c.Request.Context(), principal(c), f)
	answer(c, http.StatusOK, paged[core.MediaItem]{Items: items, Cursor: next, HasMore: next != ""}, err)
}

func (s *Server) reviewMedia(c *gin.Context) {
	var r core.Review
	if err := bindJSON(c, &r); err != nil {
		writeError(c, err)
		return
	}
	item, err := s.cfg.Desk.ReviewMedia(c.Request.Context(), principal(c), c.Param("id"), r)
	answer(c, http.StatusOK, item, err)
}

// purgeRecord erases a record; a purged photo's bytes go at once when the
// store is up, else the sweeper removes them (no record owns them now).
func (s *Server) purgeRecord(c *gin.Context) {
	var r core.Purge
	if err := bindJSON(c, &r); err != nil {
		writeError(c, err)
		return
	}
	ctx := c.Request.Context()
	collection, id := c.Param("collection"), strings.ToLower(c.Param("id"))
	if err := s.cfg.Desk.PurgeRecord(ctx, principal(c), collection, id, r); err != nil {
		writeError(c, err)
		return
	}
	if collection == "media" && s.cfg.Media != nil {
		if err := s.cfg.Media.Erase(ctx, id); err != nil {
			s.log.Warn("purged photo's bytes left for the sweeper", "media", id, "err", err)
		}
	}
	c.JSON(http.StatusOK, gin.H{"collection": collection, "id": id, "purged": true})
}
