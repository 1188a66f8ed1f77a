package api

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"urcsync/server/core"
	"urcsync/syncproto"
)

// MaxPushChanges is the most changes one push may carry (§3).
const MaxPushChanges = 1000

// pushEnvelope keeps each change raw so that one bad change is judged
// alone instead of failing the batch.
type pushEnvelope struct {
	DeviceID string            `json:"device_id"`
	SentAt   string            `json:"sent_at"`
	Changes  []json.RawMessage `json:"changes"`
}

func (s *Server) push(c *gin.Context) {
	body, err := readJSONBody(c, MaxPushBytes)
	if err != nil {
		writeError(c, err)
		return
	}
	var env pushEnvelope
	if err := decodeJSON(body, &env); err != nil {
		writeError(c, err)
		return
	}
	if len(env.Changes) > MaxPushChanges {
		writeError(c, core.Errorf(syncproto.CodePayloadTooLarge, "at most %d changes per push", MaxPushChanges))
		return
	}
	resp, err := s.cfg.Sync.Push(c.Request.Context(), principal(c), core.PushBatch{DeviceID: env.DeviceID, SentAt: env.SentAt, Changes: env.Changes})
	if err != nil {
		writeError(c, err)
		return
	}
	s.metrics.observePush(resp)
	c.JSON(http.StatusOK, resp)
}

func (s *Server) pull(c *gin.Context) {
	limit, _ := strconv.Atoi(c.Query("limit"))
	resp, err := s.cfg.Sync.Pull(c.Request.Context(), principal(c), c.Query("cursor"), limit)
	if err != nil {
		writeError(c, err)
		return
	}
	s.metrics.pullRecords.Add(float64(len(resp.Changes)))
	c.JSON(http.StatusOK, resp)
}
