package client

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"urcsync/syncproto"
)

// onFirst runs fault on the first request of method, then stands aside.
func onFirst(method string, fault func(w http.ResponseWriter, r *http.Request, body []byte) bool) func(http.ResponseWriter, *http.Request, []byte) bool {
	var done atomic.Bool
	return func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		if r.Method != method || done.Swap(true) {
			return false
		}
		return fault(w, r, body)
	}
}

// pushedPhoto opens a logged-in client with chunks of 1000 bytes, adds a
// 3500-byte photo and pushes its record.
func pushedPhoto(t *testing.T, f *fakeServer, path string) (*Client, string, []byte) {
	t.Helper()
	opt := testOptions()
	opt.ChunkSize = 1000
	c := openClient(t, f, path, opt)
	ctx := context.Background()
	if _, err := c.Login(ctx, "alice", "pw", "test phone"); err != nil {
		t.Fatal(err)
	}
	data := fakePhoto(3500)
	id := mustAddPhoto(t, c, newID(), data)
	if _, err := c.Push(ctx); err != nil {
		t.Fatal(err)
	}
	return c, id, data
}

func checkUploaded(t *testing.T, c *Client, tus *fakeTus, id string, data []byte, calls string) {
	t.Helper()
	rep, err := c.UploadMedia(context.Background())
	if err != nil || rep != (MediaReport{Uploaded: 1}) {
		t.Fatalf("UploadMedia = %+v, %v", rep, err)
	}
	if got := tus.callString(); got != calls {
		t.Errorf("calls %s\nwant  %s", got, calls)
	}
	if !bytes.Equal(tus.storedBytes(id), data) {
		t.Error("stored bytes differ from the photo")
	}
}

func TestUploadMediaResumesAfterCut(t *testing.T) {
	f := newFakeServer(t)
	tus := withTus(t, f)
	c, id, data := pushedPhoto(t, f, "")
	tus.setFault(onFirst(http.MethodPatch, func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		tus.keep(r, body[:700])
		cutConnection(t, w)
		return true
	}))
	checkUploaded(t, c, tus, id, data, "POST PATCH@0+1000 HEAD PATCH@700+1000 PATCH@1700+1000 PATCH@2700+800")
}

func TestUploadMediaWaitsRetryAfter(t *testing.T) {
	f := newFakeServer(t)
	tus := withTus(t, f)
	c, id, data := pushedPhoto(t, f, "")
	busy := func(seconds int) func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		return func(w http.ResponseWriter, r *http.Request, body []byte) bool {
			w.Header().Set("Retry-After", strconv.Itoa(seconds))
			writeError(w, 503, syncproto.CodeStorageUnavailable)
			return true
		}
	}
	tus.setFault(onFirst(http.MethodPatch, busy(1)))
	start := time.Now()
	checkUploaded(t, c, tus, id, data, "POST PATCH@0+1000 HEAD PATCH@0+1000 PATCH@1000+1000 PATCH@2000+1000 PATCH@3000+500")
	if d := time.Since(start); d < time.Second {
		t.Errorf("resent after %v, before Retry-After: 1", d)
	}
}

func TestUploadMediaRetriesCreation(t *testing.T) {
	f := newFakeServer(t)
	tus := withTus(t, f)
	c, id, data := pushedPhoto(t, f, "")
	tus.setFault(onFirst(http.MethodPost, func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		w.Header().Set("Retry-After", "0")
		writeError(w, 429, syncproto.CodeRateLimited)
		return true
	}))
	checkUploaded(t, c, tus, id, data, "POST POST PATCH@0+1000 PATCH@1000+1000 PATCH@2000+1000 PATCH@3000+500")
}

func TestUploadMediaOffsetMismatch(t *testing.T) {
	f := newFakeServer(t)
	tus := withTus(t, f)
	c, id, data := pushedPhoto(t, f, "")
	// 400 bytes of an earlier attempt reached the server unknown to the phone.
	tus.setFault(onFirst(http.MethodPatch, func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		tus.keep(r, data[:400])
		return false
	}))
	checkUploaded(t, c, tus, id, data, "POST PATCH@0+1000 HEAD PATCH@400+1000 PATCH@1400+1000 PATCH@2400+1000 PATCH@3400+100")
}

func TestUploadMediaResumesAfterRestart(t *testing.T) {
	f := newFakeServer(t)
	tus := withTus(t, f)
	path := filepath.Join(t.TempDir(), "phone.db")
	c, id, data := pushedPhoto(t, f, path)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var patches atomic.Int32
	tus.setFault(func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		if r.Method != http.MethodPatch || patches.Add(1) != 3 {
			return false
		}
		tus.keep(r, body[:300])
		cancel()
		cutConnection(t, w)
		return true
	})
	if _, err := c.UploadMedia(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("UploadMedia = %v, want canceled", err)
	}
	url := loadQueuedT(t, c)[0].uploadURL
	if url == "" {
		t.Fatal("upload URL not kept")
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}

	tus.setFault(nil)
	opt := testOptions()
	opt.ChunkSize = 1000
	c = openClient(t, f, path, opt)
	if q := loadQueuedT(t, c); len(q) != 1 || q[0].uploadURL != url {
		t.Fatalf("queue after restart %+v, want upload URL %s", q, url)
	}
	checkUploaded(t, c, tus, id, data,
		"POST PATCH@0+1000 PATCH@1000+1000 PATCH@2000+1000 HEAD PATCH@2300+1000 PATCH@3300+200")
}

func TestUploadMediaRefusals(t *testing.T) {
	for _, tc := range []struct {
		method string
		status int
		code   string
	}{
		{http.MethodPost, 415, syncproto.CodeUnsupportedMedia},
		{http.MethodPost, 413, syncproto.CodePayloadTooLarge},
		{http.MethodPatch, 422, syncproto.CodeImageTooLarge},
	} {
		t.Run(tc.code, func(t *testing.T) {
			f := newFakeServer(t)
			tus := withTus(t, f)
			c, id, _ := pushedPhoto(t, f, "")
			tus.setFault(func(w http.ResponseWriter, r *http.Request, body []byte) bool {
				if r.Method != tc.method {
					return false
				}
				writeError(w, tc.status, tc.code)
				return true
			})
			rep, err := c.UploadMedia(context.Background())
			if err != nil || rep != (MediaReport{Rejected: 1}) {
				t.Fatalf("UploadMedia = %+v, %v", rep, err)
			}
			rej, err := c.RejectedPhotos()
			if err != nil || len(rej) != 1 || rej[0].MediaID != id || rej[0].Code != tc.code || rej[0].Size != 3500 {
				t.Fatalf("RejectedPhotos = %+v, %v", rej, err)
			}
			if _, err := os.Stat(rej[0].Path); err != nil {
				t.Errorf("rejected photo not kept: %v", err)
			}
			n := len(tus.calls())
			if rep, err := c.UploadMedia(context.Background()); err != nil || rep != (MediaReport{}) {
				t.Errorf("second UploadMedia = %+v, %v", rep, err)
			}
			if len(tus.calls()) != n {
				t.Errorf("a rejected photo was offered again: %s", tus.callString())
			}
		})
	}
}

func TestUploadMediaAlreadyStored(t *testing.T) {
	f := newFakeServer(t)
	tus := withTus(t, f)
	c, id, data := pushedPhoto(t, f, "")
	tus.mu.Lock()
	tus.stored[id] = data
	tus.mu.Unlock()
	checkUploaded(t, c, tus, id, data, "POST")
}

func TestUploadMediaGivesUpAndKeepsThePhoto(t *testing.T) {
	f := newFakeServer(t)
	tus := withTus(t, f)
	c, _, _ := pushedPhoto(t, f, "")
	tus.setFault(func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		if r.Method != http.MethodPatch {
			return false
		}
		w.Header().Set("Retry-After", "0")
		writeError(w, 503, syncproto.CodeStorageUnavailable)
		return true
	})
	rep, err := c.UploadMedia(context.Background())
	if err == nil || rep != (MediaReport{Pending: 1}) {
		t.Fatalf("UploadMedia = %+v, %v; want an error and the photo pending", rep, err)
	}
	if got, want := tus.callString(), "POST PATCH@0+1000 HEAD PATCH@0+1000 HEAD PATCH@0+1000 HEAD PATCH@0+1000"; got != want {
		t.Errorf("calls %s\nwant  %s", got, want)
	}
	if q := loadQueuedT(t, c); len(q) != 1 || q[0].uploadURL == "" {
		t.Errorf("queue %+v, want the upload URL kept", q)
	}
}

func TestUploadMediaGoesOnAfterOnePhotoFails(t *testing.T) {
	f := newFakeServer(t)
	tus := withTus(t, f)
	c := loggedIn(t, f, testOptions())
	ctx := context.Background()
	mustAddPhoto(t, c, newID(), fakePhoto(600))
	second := fakePhoto(700)
	id2 := mustAddPhoto(t, c, newID(), second)
	if _, err := c.Push(ctx); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(c.photoPath(loadQueuedT(t, c)[0].path)); err != nil {
		t.Fatal(err)
	}
	rep, err := c.UploadMedia(ctx)
	if err == nil || rep != (MediaReport{Uploaded: 1, Pending: 1}) {
		t.Fatalf("UploadMedia = %+v, %v", rep, err)
	}
	if !bytes.Equal(tus.storedBytes(id2), second) {
		t.Error("the second photo was not uploaded")
	}
}

func TestUploadMediaAfter401(t *testing.T) {
	for _, code := range []string{syncproto.CodeTokenExpired, syncproto.CodeDeviceRevoked} {
		t.Run(code, func(t *testing.T) {
			f := newFakeServer(t)
			tus := withTus(t, f)
			c, _, _ := pushedPhoto(t, f, "")
			tus.setFault(func(w http.ResponseWriter, r *http.Request, body []byte) bool {
				writeError(w, 401, code)
				return true
			})
			_, err := c.UploadMedia(context.Background())
			var ae *APIError
			if !errors.As(err, &ae) || ae.Code != code {
				t.Fatalf("UploadMedia = %v, want %s", err, code)
			}
			if tok, _ := getState(c.db, keyToken); tok != "" {
				t.Error("token kept")
			}
			n, _ := c.PendingPhotos()
			_, dirErr := os.Stat(c.mediaDir)
			switch code {
			case syncproto.CodeTokenExpired:
				if n != 1 || dirErr != nil {
					t.Errorf("PendingPhotos = %d, photo directory %v; want the photo kept", n, dirErr)
				}
				if _, err := c.UploadMedia(context.Background()); !errors.Is(err, ErrNotLoggedIn) {
					t.Errorf("UploadMedia without a token = %v, want ErrNotLoggedIn", err)
				}
			case syncproto.CodeDeviceRevoked:
				if n != 0 || !errors.Is(dirErr, os.ErrNotExist) {
					t.Errorf("PendingPhotos = %d, photo directory %v; want both wiped", n, dirErr)
				}
			}
		})
	}
}

// TestUploadMediaLeavesPhotosForALongOutage: when the server's storage
// asks for a longer wait than MaxPhotoWait, UploadMedia ends at once with
// ErrStorageUnavailable and keeps the photo; the next call uploads it.
func TestUploadMediaLeavesPhotosForALongOutage(t *testing.T) {
	f := newFakeServer(t)
	tus := withTus(t, f)
	c, id, data := pushedPhoto(t, f, "")
	var out atomic.Bool
	out.Store(true)
	tus.setFault(func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		if r.Method != http.MethodPatch || !out.Load() {
			return false
		}
		w.Header().Set("Retry-After", "30")
		writeError(w, 503, syncproto.CodeStorageUnavailable)
		return true
	})
	start := time.Now()
	rep, err := c.UploadMedia(context.Background())
	if !errors.Is(err, ErrStorageUnavailable) || rep != (MediaReport{Pending: 1}) {
		t.Fatalf("UploadMedia during the outage = %+v, %v; want ErrStorageUnavailable and the photo pending", rep, err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("UploadMedia waited %v for an outage with Retry-After: 30", d)
	}
	if q := loadQueuedT(t, c); len(q) != 1 || q[0].uploadURL == "" {
		t.Fatalf("queue %+v, want the photo kept with its upload URL", q)
	}
	out.Store(false)
	checkUploaded(t, c, tus, id, data, "POST PATCH@0+1000 HEAD PATCH@0+1000 PATCH@1000+1000 PATCH@2000+1000 PATCH@3000+500")
}
