package sim

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"

	"urcsync/server/fieldsim/faultproxy"
	"urcsync/syncproto"
)

// outageUploadPatience bounds a phone's photo uploads begun while storage
// is out. The server refuses such an upload with 503 storage_unavailable
// and a Retry-After longer than the client's MaxPhotoWait, so the client
// gives up at once and keeps the photo queued until its next sync;
// reaching this bound means an upload got no such answer.
const outageUploadPatience = time.Minute

// storageWatch sees every exchange before the ledger does and follows
// what object storage did to it: photo uploads refused with 503
// storage_unavailable, and pushes answered while storage was out.
type storageWatch struct {
	next faultproxy.Observer

	mu   sync.Mutex
	down bool
	// refused are the photos refused during an outage.
	refused map[string]bool
	// refusals counts 503 storage_unavailable answers during outages;
	// refusalsUp those while storage was up.
	refusals, refusalsUp int
	// pushes and pushesFailed count pushes answered during outages, and
	// those answered with a 5xx.
	pushes, pushesFailed int
}

func newStorageWatch(next faultproxy.Observer) *storageWatch {
	return &storageWatch{next: next, refused: map[string]bool{}}
}

// Answered passes the answer on and counts it (faultproxy.Observer).
func (s *storageWatch) Answered(ex *faultproxy.Exchange) {
	s.next.Answered(ex)
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case ex.Path == "/v1/sync/push" && s.down:
		s.pushes++
		if ex.Status >= 500 {
			s.pushesFailed++
		}
	case strings.HasPrefix(ex.Path, "/v1/media/") && storageRefusal(ex):
		if !s.down {
			s.refusalsUp++
			return
		}
		s.refusals++
		if parts := strings.Split(ex.Path, "/"); len(parts) > 3 {
			s.refused[strings.ToLower(parts[3])] = true
		}
	}
}

// Unanswered passes the request on (faultproxy.Observer).
func (s *storageWatch) Unanswered(ex *faultproxy.Exchange) { s.next.Unanswered(ex) }

// storageRefusal reports a 503 storage_unavailable answer.
func storageRefusal(ex *faultproxy.Exchange) bool {
	if ex.Status != http.StatusServiceUnavailable {
		return false
	}
	body, err := faultproxy.Decoded(ex.RespBody, ex.RespHeader)
	var eb syncproto.ErrorBody
	return err == nil && json.Unmarshal(body, &eb) == nil && eb.Error.Code == syncproto.CodeStorageUnavailable
}

func (s *storageWatch) setDown(down bool) {
	s.mu.Lock()
	s.down = down
	s.mu.Unlock()
}

// uploadContext is the context of one phone's photo uploads, bounded by
// outageUploadPatience when an outage is under way. done releases it and
// reports whether the bound was reached.
func (s *storageWatch) uploadContext(ctx context.Context) (_ context.Context, done func() (timedOut bool)) {
	s.mu.Lock()
	down := s.down
	s.mu.Unlock()
	if !down {
		return ctx, func() bool { return false }
	}
	ctx, cancel := context.WithTimeout(ctx, outageUploadPatience)
	return ctx, func() bool {
		timedOut := ctx.Err() == context.DeadlineExceeded
		cancel()
		return timedOut
	}
}

// refusedPhotos returns the photos refused during outages.
func (s *storageWatch) refusedPhotos() map[string]bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]bool, len(s.refused))
	for id := range s.refused {
		out[id] = true
	}
	return out
}
