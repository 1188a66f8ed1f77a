package ledger

import (
	"net/http"
	"strconv"
	"strings"

	"urcsync/server/fieldsim/faultproxy"
)

// media takes in answers to photo uploads: a tus creation that finds the
// photo stored, the PATCH that completes it, or a whole-file PUT.
func (l *Ledger) media(ex *faultproxy.Exchange) {
	parts := strings.Split(strings.Trim(ex.Path, "/"), "/")
	if len(parts) < 4 || parts[0] != "v1" || parts[1] != "media" {
		return
	}
	id := strings.ToLower(parts[2])
	done := false
	switch {
	case ex.Method == http.MethodPut && parts[3] == "content":
		done = ex.Status == http.StatusOK || ex.Status == http.StatusCreated
	case ex.Method == http.MethodPost && parts[3] == "uploads" && len(parts) == 4:
		done = (ex.Status == http.StatusOK || ex.Status == http.StatusCreated) &&
			strings.HasSuffix(ex.RespHeader.Get("Location"), "/uploads/complete")
	case ex.Method == http.MethodPatch && parts[3] == "uploads" && ex.Status == http.StatusNoContent:
		off, err := strconv.ParseInt(ex.RespHeader.Get("Upload-Offset"), 10, 64)
		size, known := l.mediaSize[id]
		done = err == nil && known && off == size
	}
	if done {
		if _, ok := l.stored[id]; !ok {
			l.stored[id] = UploadStored{MediaID: id, Phone: ex.Phone, At: ex.Answered}
		}
	}
}
