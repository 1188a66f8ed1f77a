package e2e

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"urcsync/mobile-contract/client"
)

// TestClientUploadSurvivesStorageOutage: with the S3 server down, the
// phone's records still sync and its photo upload is answered 503 with
// Retry-After; the reference client keeps retrying, S3 comes back, the
// retry completes and the photo is stored.
func TestClientUploadSurvivesStorageOutage(t *testing.T) {
	e, _, vgw := startServerS3(t)
	e.user("budi", "officer", "urc-1")
	hc := mediaContractClient(t)
	seen := &statusCounter{base: hc.Transport, counts: map[int]int{}}
	hc.Transport = seen
	phone := e.phone("budi", client.Options{HTTPClient: hc, Backoff: 200 * time.Millisecond, MaxAttempts: 40})
	enc := phoneEncounter(t, phone)
	photo := phoneAddPhoto(t, phone, enc, "medan.jpg")
	ctx := context.Background()
	if _, err := phone.Push(ctx); err != nil {
		t.Fatalf("push: %v", err)
	}

	vgw.stop()
	// Records keep syncing while photo storage is down.
	phone.Upsert("encounters", enc, map[string]any{"notes": "storage is down"})
	if _, err := phone.Push(ctx); err != nil {
		t.Fatalf("push during the outage: %v", err)
	}
	back := time.AfterFunc(2*time.Second, vgw.restart)
	defer back.Stop()
	rep, err := phone.UploadMedia(ctx)
	if err != nil || rep.Uploaded != 1 {
		t.Fatalf("upload across the outage: %+v %v", rep, err)
	}
	if err := phone.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	f := phoneMediaFields(t, phone, photo)
	if string(f["content_status"]) != `"stored"` {
		t.Fatalf("after the outage the photo is %s", f["content_status"])
	}
	if n, _ := phone.PendingPhotos(); n != 0 {
		t.Fatalf("%d photos still pending", n)
	}
	if seen.get(http.StatusServiceUnavailable) == 0 {
		t.Fatal("the upload never met the outage (no 503 seen)")
	}
}

// statusCounter counts the statuses of the answers a client receives.
type statusCounter struct {
	base   http.RoundTripper
	mu     sync.Mutex
	counts map[int]int
}

func (s *statusCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := s.base.RoundTrip(r)
	if err == nil {
		s.mu.Lock()
		s.counts[resp.StatusCode]++
		s.mu.Unlock()
	}
	return resp, err
}

func (s *statusCounter) get(status int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[status]
}
