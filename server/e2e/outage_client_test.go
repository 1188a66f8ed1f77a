package e2e

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"urcsync/mobile-contract/client"
)

// TestClientUploadSurvivesStorageOutage: with the S3 server down, the
// phone's records still sync and its photo upload is answered 503 with
// Retry-After; a client told to wait that long keeps retrying, S3 comes
// back, the retry completes and the photo is stored.
func TestClientUploadSurvivesStorageOutage(t *testing.T) {
	e, _, vgw := startServerS3(t)
	e.user("budi", "officer", "urc-1")
	hc := mediaContractClient(t)
	seen := &statusCounter{base: hc.Transport, counts: map[int]int{}}
	hc.Transport = seen
	phone := e.phone("budi", client.Options{HTTPClient: hc, Backoff: 200 * time.Millisecond, MaxAttempts: 40, MaxPhotoWait: time.Minute})
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

// TestClientLeavesPhotosDuringStorageOutage: by default the reference
// client does not wait out the server's Retry-After of a storage outage:
// UploadMedia ends at once with ErrStorageUnavailable, the photo stays
// queued, and the next call after the outage stores it.
func TestClientLeavesPhotosDuringStorageOutage(t *testing.T) {
	e, _, vgw := startServerS3(t)
	e.user("budi", "officer", "urc-1")
	phone := e.phone("budi", client.Options{HTTPClient: mediaContractClient(t)})
	enc := phoneEncounter(t, phone)
	photo := phoneAddPhoto(t, phone, enc, "medan.jpg")
	ctx := context.Background()
	if _, err := phone.Push(ctx); err != nil {
		t.Fatalf("push: %v", err)
	}
	vgw.stop()
	start := time.Now()
	rep, err := phone.UploadMedia(ctx)
	if !errors.Is(err, client.ErrStorageUnavailable) || rep.Pending != 1 {
		t.Fatalf("upload during the outage: %+v %v; want ErrStorageUnavailable and the photo pending", rep, err)
	}
	if d := time.Since(start); d > 15*time.Second {
		t.Fatalf("the upload waited %v during the outage", d)
	}
	vgw.restart()
	if rep, err = phone.UploadMedia(ctx); err != nil || rep.Uploaded != 1 {
		t.Fatalf("upload after the outage: %+v %v", rep, err)
	}
	if err := phone.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if f := phoneMediaFields(t, phone, photo); string(f["content_status"]) != `"stored"` {
		t.Fatalf("after the outage the photo is %s", f["content_status"])
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
