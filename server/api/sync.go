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
	c.Data(http.StatusOK, "application/json; charset=utf-8", resp.AppendJSON(nil))
}

// pullLimit reads ?limit=: absent means the default 500; integers
// outside 1…1000 are clamped (§4); anything else is invalid_request.
func pullLimit(c *gin.Context) (int, error) {
	q, ok := c.GetQuery("limit")
	if !ok || q == "" {
		return 500, nil
	}
	n, err := strconv.Atoi(q)
	if err != nil {
		return 0, core.Errorf(syncproto.CodeInvalidRequest, "limit must be an integer")
	}
	return min(max(n, 1), 1000), nil
}
