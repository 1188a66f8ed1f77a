package media

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	contract "urcsync/mobile-contract"
	"urcsync/server/auth"
	"urcsync/server/blob"
	"urcsync/server/blob/local"
	"urcsync/server/core"
	"urcsync/server/schema"
	"urcsync/server/sqlite"
	"urcsync/syncproto"
)

// rig is a media service on a real SQLite file and a local folder, with
// a clock the test moves.
type rig struct {
	db    *sqlite.DB
	store *local.Store
	svc   *Service
	now   atomic.Int64
	clock *syncproto.Clock
	phone core.Principal
	admin core.Principal
}

func (r *rig) wall() time.Time { return time.UnixMilli(r.now.Load()) }

func (r *rig) advance(d time.Duration) { r.now.Add(d.Milliseconds()) }

func newRig(t *testing.T) *rig {
	t.Helper()
	r := &rig{}
	r.now.Store(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC).UnixMilli())
	reg, err := schema.Load(contract.FS)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	r.db, err = sqlite.Open(context.Background(), filepath.Join(dir, "urc.db"), sqlite.Options{
		Schemas: reg, Hasher: auth.NewHasher(4), Now: r.wall, MediaFlags: DefaultChecks.Flags})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.db.Close() })
	if r.store, err = local.New(filepath.Join(dir, "media")); err != nil {
		t.Fatal(err)
	}
	r.svc, err = New(Config{Records: r.db, Store: r.store, SpoolDir: filepath.Join(dir, "uploads"), Now: r.wall})
	if err != nil {
		t.Fatal(err)
	}
	r.phone = r.login(t, "budi", syncproto.RoleOfficer)
	r.admin = r.login(t, "admin", syncproto.RoleAdmin)
	r.clock = syncproto.NewClock(r.phone.DeviceID, syncproto.HLC{}, r.wall)
	return r
}

func (r *rig) login(t *testing.T, name, role string) core.Principal {
	t.Helper()
	ctx := context.Background()
	if _, err := r.db.AddUser(ctx, core.NewUser{Username: name, Password: "password-123", Role: role, TeamID: "urc-1"}); err != nil {
		t.Fatal(err)
	}
	resp, err := r.db.Login(ctx, syncproto.LoginRequest{Username: name, Password: "password-123", DeviceID: uuid.NewString()}, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	p, err := r.db.Authenticate(ctx, resp.Token)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (r *rig) push(t *testing.T, collection, id, kind string, fields map[string]any) {
	t.Helper()
	ch := map[string]any{"op_id": uuid.NewString(), "collection": collection, "id": id, "kind": kind, "hlc": r.clock.Now().String()}
	if fields != nil {
		ch["fields"] = fields
	}
	raw, _ := json.Marshal(ch)
	resp, err := r.db.Push(context.Background(), r.phone, core.PushBatch{DeviceID: r.phone.DeviceID, Changes: []json.RawMessage{raw}})
	if err != nil || resp.Results[0].Status != syncproto.StatusApplied {
		t.Fatalf("push: %+v %v", resp, err)
	}
}

// storedPhoto records an encounter and a photo and uploads the bytes.
func (r *rig) storedPhoto(t *testing.T, name string) (string, []byte) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "photos", name))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	enc, id := uuid.NewString(), uuid.NewString()
	r.push(t, "encounters", enc, "upsert", map[string]any{"category": "pengemis", "lat": 3.5952, "lon": 98.6722})
	r.push(t, "media", id, "upsert", map[string]any{"encounter_id": enc, "sha256": hex.EncodeToString(sum[:]), "size": len(b), "content_type": "image/jpeg"})
	digest := "sha-256=:" + base64.StdEncoding.EncodeToString(sum[:]) + ":"
	if _, created, err := r.svc.PutContent(context.Background(), r.phone, id, bytes.NewReader(b), int64(len(b)), digest); err != nil || !created {
		t.Fatalf("PutContent: %v", err)
	}
	return id, b
}

func codeOf(err error) string { return core.ErrorCode(err) }

func TestDeletedPhotoUnreadableAtOnceAndErasedAfterRetention(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	id, _ := r.storedPhoto(t, "medan.jpg")
	if _, err := r.svc.Derivative(ctx, r.phone, id, core.Thumbnail); err != nil {
		t.Fatal(err)
	}
	r.push(t, "media", id, "delete", nil)
	if _, err := r.svc.Original(ctx, r.admin, id); codeOf(err) != syncproto.CodeNotFound {
		t.Fatalf("original of a deleted photo: %v", err)
	}
	if _, err := r.svc.Derivative(ctx, r.phone, id, core.Thumbnail); codeOf(err) != syncproto.CodeNotFound {
		t.Fatalf("thumbnail of a deleted photo: %v", err)
	}
	r.advance(29 * 24 * time.Hour)
	if rep, err := r.svc.Sweep(ctx); err != nil || rep.ErasedPhotos != 0 {
		t.Fatalf("sweep within retention: %+v %v", rep, err)
	}
	if _, err := r.store.Stat(ctx, originalKey(id)); err != nil {
		t.Fatalf("bytes gone within retention: %v", err)
	}
	r.advance(2 * 24 * time.Hour)
	rep, err := r.svc.Sweep(ctx)
	if err != nil || rep.ErasedPhotos != 1 {
		t.Fatalf("sweep after retention: %+v %v", rep, err)
	}
	for _, key := range []string{originalKey(id), derivativeKey(id, core.Thumbnail)} {
		if _, err := r.store.Stat(ctx, key); !errors.Is(err, blob.ErrNotFound) {
			t.Fatalf("%s still stored after retention: %v", key, err)
		}
	}
}

func TestRestoredPhotoKeepsItsBytes(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	id, b := r.storedPhoto(t, "medan.jpg")
	r.push(t, "media", id, "delete", nil)
	r.advance(24 * time.Hour)
	if _, err := r.db.RestoreRecord(ctx, r.admin, "media", id); err != nil {
		t.Fatal(err)
	}
	r.advance(40 * 24 * time.Hour)
	if rep, err := r.svc.Sweep(ctx); err != nil || rep.ErasedPhotos != 0 || rep.Orphans != 0 {
		t.Fatalf("sweep: %+v %v", rep, err)
	}
	c, err := r.svc.Original(ctx, r.admin, id)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Body.Close()
	got := new(bytes.Buffer)
	got.ReadFrom(c.Body)
	if !bytes.Equal(got.Bytes(), b) {
		t.Fatal("restored photo's bytes differ")
	}
}

func TestSweeperRemovesOrphansAfterGrace(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	owned, _ := r.storedPhoto(t, "medan.jpg")
	orphan := uuid.NewString()
	junk := []byte("half-written bytes of a crashed upload")
	if err := r.store.Put(ctx, originalKey(orphan), bytes.NewReader(junk), int64(len(junk)), "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	if rep, _ := r.svc.Sweep(ctx); rep.Orphans != 0 {
		t.Fatalf("an object within its grace period was removed: %+v", rep)
	}
	// The folder store stamps objects with the real clock.
	r.svc.cfg.Now = func() time.Time { return time.Now().Add(2 * time.Hour) }
	rep, err := r.svc.Sweep(ctx)
	if err != nil || rep.Orphans != 1 {
		t.Fatalf("sweep after grace: %+v %v", rep, err)
	}
	if _, err := r.store.Stat(ctx, originalKey(orphan)); !errors.Is(err, blob.ErrNotFound) {
		t.Fatal("orphan still stored")
	}
	if _, err := r.store.Stat(ctx, originalKey(owned)); err != nil {
		t.Fatalf("an owned photo was swept: %v", err)
	}
}

func TestExpiredUploadsAreCleaned(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	b, _ := os.ReadFile(filepath.Join("..", "..", "testdata", "photos", "medan.jpg"))
	sum := sha256.Sum256(b)
	enc, id := uuid.NewString(), uuid.NewString()
	r.push(t, "encounters", enc, "upsert", map[string]any{"category": "pengemis", "lat": 3.5952, "lon": 98.6722})
	r.push(t, "media", id, "upsert", map[string]any{"encounter_id": enc, "sha256": hex.EncodeToString(sum[:]), "size": len(b), "content_type": "image/jpeg"})
	u, err := r.svc.CreateUpload(ctx, r.phone, id, int64(len(b)), "sha-256=:"+base64.StdEncoding.EncodeToString(sum[:])+":")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.svc.PatchUpload(ctx, r.phone, id, u.ID, 0, bytes.NewReader(b[:1000])); err != nil {
		t.Fatal(err)
	}
	r.advance(23 * time.Hour)
	if got, err := r.svc.UploadStatus(ctx, r.phone, id, u.ID); err != nil || got.Offset != 1000 {
		t.Fatalf("upload within 24 h: %+v %v", got, err)
	}
	r.advance(2 * time.Hour)
	if _, err := r.svc.UploadStatus(ctx, r.phone, id, u.ID); codeOf(err) != syncproto.CodeNotFound {
		t.Fatalf("expired upload still answers: %v", err)
	}
	if rep, err := r.svc.Sweep(ctx); err != nil || rep.ExpiredUploads != 1 {
		t.Fatalf("sweep: %+v %v", rep, err)
	}
	if _, err := os.Stat(r.svc.spoolPath(u.ID)); !os.IsNotExist(err) {
		t.Fatalf("spooled bytes of an expired upload remain: %v", err)
	}
}

func TestFlagsFollowTheEncounter(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	far, _ := r.storedPhoto(t, "far_away.jpg")
	near, _ := r.storedPhoto(t, "medan.jpg")
	none, _ := r.storedPhoto(t, "no_exif.jpg")
	flags := func(id string) string {
		doc, err := r.db.MediaRecord(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]json.RawMessage
		json.Unmarshal(doc, &m)
		return string(m["flags"])
	}
	if got := flags(far); got != `["location_mismatch"]` {
		t.Errorf("far_away.jpg at a Medan encounter: %s", got)
	}
	if got := flags(near); got != `[]` {
		t.Errorf("medan.jpg at a Medan encounter: %s", got)
	}
	if got := flags(none); got != `["no_exif"]` {
		t.Errorf("no_exif.jpg: %s", got)
	}
	// The encounter of far_away.jpg is corrected to Jakarta, with a time 2
	// days off: its flags are recomputed.
	info, _ := r.db.MediaInfo(ctx, r.admin, far)
	r.push(t, "encounters", info.EncounterID, "upsert", map[string]any{"lat": -6.2, "lon": 106.8166, "occurred_at": "2026-11-22T10:20:00+07:00"})
	if got := flags(far); got != `["time_mismatch"]` {
		t.Errorf("after the encounter moved: %s, want [time_mismatch]", got)
	}
}
