package client

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"urcsync/syncproto"
)

// fakePhoto returns n bytes that start like a JPEG.
func fakePhoto(n int) []byte {
	b := make([]byte, n)
	r := rand.NewChaCha8([32]byte{byte(n), byte(n >> 8)})
	r.Read(b)
	copy(b, []byte{0xFF, 0xD8, 0xFF, 0xE0})
	return b
}

func mustAddPhoto(t *testing.T, c *Client, encounter string, data []byte) string {
	t.Helper()
	id, err := c.AddPhotoBytes(encounter, data, PhotoMeta{})
	if err != nil {
		t.Fatalf("AddPhotoBytes: %v", err)
	}
	return id
}

func TestAddPhotoRecordsAndCopies(t *testing.T) {
	f := newFakeServer(t)
	c := openClient(t, f, "", testOptions())
	data := fakePhoto(5000)
	src := filepath.Join(t.TempDir(), "camera.jpg")
	if err := os.WriteFile(src, data, 0o600); err != nil {
		t.Fatal(err)
	}
	enc := newID()
	taken := time.Date(2026, 11, 20, 3, 15, 0, 0, time.UTC)
	lat, lon := 3.5952, 98.6722
	id, err := c.AddPhoto(enc, src, PhotoMeta{TakenAt: &taken, Lat: &lat, Lon: &lon, Caption: "di bawah jembatan"})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(src); err != nil {
		t.Fatal(err)
	}
	fields, _, found, err := c.Record("media", id)
	if err != nil || !found {
		t.Fatalf("Record: %v %v", found, err)
	}
	sum := sha256.Sum256(data)
	want := map[string]any{
		"encounter_id": enc, "sha256": hex.EncodeToString(sum[:]), "size": 5000, "content_type": "image/jpeg",
		"taken_at": "2026-11-20T03:15:00.000Z", "lat": lat, "lon": lon, "caption": "di bawah jembatan",
	}
	if len(fields) != len(want) {
		t.Errorf("fields %v, want %v", fields, want)
	}
	for k, v := range want {
		b, _ := json.Marshal(v)
		if string(fields[k]) != string(b) {
			t.Errorf("field %s = %s, want %s", k, fields[k], b)
		}
	}
	if n, _ := c.Pending(); n != 1 {
		t.Errorf("Pending = %d, want the media record's change", n)
	}
	if n, _ := c.PendingPhotos(); n != 1 {
		t.Errorf("PendingPhotos = %d, want 1", n)
	}
	queued, err := loadQueued(c.db)
	if err != nil || len(queued) != 1 {
		t.Fatalf("queue %v %v", queued, err)
	}
	copyBytes, err := os.ReadFile(c.photoPath(queued[0].path))
	if err != nil || !bytes.Equal(copyBytes, data) {
		t.Fatalf("phone's copy: %v (equal %v)", err, bytes.Equal(copyBytes, data))
	}
	if filepath.IsAbs(queued[0].path) {
		t.Errorf("queued path %q is absolute", queued[0].path)
	}
}

func TestAddPhotoJudgesTheBytes(t *testing.T) {
	c := openClient(t, newFakeServer(t), "", testOptions())
	for name, tc := range map[string]struct {
		data []byte
		want string
	}{
		"jpeg": {fakePhoto(100), "image/jpeg"},
		"png":  {append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 50)...), "image/png"},
		"webp": {append([]byte("RIFF\x20\x00\x00\x00WEBPVP8 "), make([]byte, 50)...), "image/webp"},
		"gif":  {append([]byte("GIF89a"), make([]byte, 50)...), ""},
		"text": {[]byte("not an image at all"), ""},
		"none": {nil, ""},
	} {
		id, err := c.AddPhotoBytes(newID(), tc.data, PhotoMeta{})
		if tc.want == "" {
			if !errors.Is(err, ErrUnsupportedPhoto) {
				t.Errorf("%s: err %v, want ErrUnsupportedPhoto", name, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		fields, _, _, _ := c.Record("media", id)
		if string(fields["content_type"]) != `"`+tc.want+`"` {
			t.Errorf("%s: content_type %s, want %s", name, fields["content_type"], tc.want)
		}
	}
	if _, err := c.AddPhotoBytes("not-a-uuid", fakePhoto(10), PhotoMeta{}); err == nil {
		t.Error("a photo of a malformed encounter id was accepted")
	}
	bad := 91.0
	if _, err := c.AddPhotoBytes(newID(), fakePhoto(10), PhotoMeta{Lat: &bad}); err == nil {
		t.Error("a photo at latitude 91 was accepted")
	}
	if n, _ := c.PendingPhotos(); n != 3 {
		t.Errorf("PendingPhotos = %d, want 3", n)
	}
}

func TestUploadMediaInChunks(t *testing.T) {
	f := newFakeServer(t)
	tus := withTus(t, f)
	opt := testOptions()
	opt.ChunkSize = 1000
	c := loggedIn(t, f, opt)
	ctx := context.Background()
	data := fakePhoto(3500)
	id := mustAddPhoto(t, c, newID(), data)
	if _, err := c.Push(ctx); err != nil {
		t.Fatal(err)
	}
	queued, _ := loadQueued(c.db)
	rep, err := c.UploadMedia(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep != (MediaReport{Uploaded: 1}) {
		t.Errorf("report %+v", rep)
	}
	if got, want := tus.callString(), "POST PATCH@0+1000 PATCH@1000+1000 PATCH@2000+1000 PATCH@3000+500"; got != want {
		t.Errorf("calls %s, want %s", got, want)
	}
	if !bytes.Equal(tus.storedBytes(id), data) {
		t.Error("stored bytes differ")
	}
	if _, err := os.Stat(c.photoPath(queued[0].path)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("phone's copy kept after upload: %v", err)
	}
	if n, _ := c.PendingPhotos(); n != 0 {
		t.Errorf("PendingPhotos = %d", n)
	}
}

func TestUploadMediaWaitsForTheRecord(t *testing.T) {
	f := newFakeServer(t)
	tus := withTus(t, f)
	c := loggedIn(t, f, testOptions())
	ctx := context.Background()
	id := mustAddPhoto(t, c, newID(), fakePhoto(2000))

	rep, err := c.UploadMedia(ctx)
	if err != nil || rep != (MediaReport{Pending: 1}) {
		t.Fatalf("before push: %+v %v", rep, err)
	}
	if calls := tus.calls(); len(calls) != 0 {
		t.Fatalf("uploaded before the record was pushed: %v", calls)
	}

	// The server has lost the record (404 on creation): the photo waits.
	if _, err := c.Push(ctx); err != nil {
		t.Fatal(err)
	}
	f.drop("media", id)
	rep, err = c.UploadMedia(ctx)
	if err != nil || rep != (MediaReport{Pending: 1}) {
		t.Fatalf("after 404: %+v %v", rep, err)
	}
	if got := tus.callString(); got != "POST" {
		t.Fatalf("calls %s, want one creation", got)
	}
	f.put("media", id, map[string]any{"sha256": loadQueuedT(t, c)[0].sha256, "size": 2000})
	rep, err = c.UploadMedia(ctx)
	if err != nil || rep != (MediaReport{Uploaded: 1}) {
		t.Fatalf("after the record came back: %+v %v", rep, err)
	}
}

func loadQueuedT(t *testing.T, c *Client) []queuedPhoto {
	t.Helper()
	q, err := loadQueued(c.db)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestSyncUploadsBetweenPushAndPull(t *testing.T) {
	f := newFakeServer(t)
	tus := withTus(t, f)
	c := loggedIn(t, f, testOptions())
	id := mustAddPhoto(t, c, newID(), fakePhoto(1500))
	if err := c.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if tus.storedBytes(id) == nil {
		t.Fatal("Sync did not upload the photo")
	}
	if len(f.pushLog()) != 1 || len(f.pullLog()) != 1 {
		t.Fatalf("%d pushes, %d pulls", len(f.pushLog()), len(f.pullLog()))
	}
	if n, _ := c.PendingPhotos(); n != 0 {
		t.Errorf("PendingPhotos = %d", n)
	}
}

func TestRejectedRecordRejectsThePhoto(t *testing.T) {
	f := newFakeServer(t)
	tus := withTus(t, f)
	c := loggedIn(t, f, testOptions())
	ctx := context.Background()
	f.reject = func(ch syncproto.Change) *syncproto.ChangeError {
		if ch.Collection == "media" {
			return &syncproto.ChangeError{Code: "invalid_reference", Message: "encounter of another team"}
		}
		return nil
	}
	id := mustAddPhoto(t, c, newID(), fakePhoto(800))
	if _, err := c.Push(ctx); err != nil {
		t.Fatal(err)
	}
	rep, err := c.UploadMedia(ctx)
	if err != nil || rep != (MediaReport{Rejected: 1}) {
		t.Fatalf("%+v %v", rep, err)
	}
	rej, err := c.RejectedPhotos()
	if err != nil || len(rej) != 1 || rej[0].MediaID != id || rej[0].Code != "invalid_reference" {
		t.Fatalf("RejectedPhotos = %+v %v", rej, err)
	}
	if _, err := os.Stat(rej[0].Path); err != nil {
		t.Errorf("rejected photo's copy: %v", err)
	}
	if calls := tus.calls(); len(calls) != 0 {
		t.Errorf("calls %v for a rejected record", calls)
	}
}
