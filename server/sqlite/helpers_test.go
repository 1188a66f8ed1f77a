package sqlite

import (
	"context"
	"encoding/json"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	contract "urcsync/mobile-contract"
	"urcsync/server/auth"
	"urcsync/server/core"
	"urcsync/server/schema"
	"urcsync/syncproto"
)

// testClock is a settable wall clock.
type testClock struct{ ms atomic.Int64 }

func (c *testClock) now() time.Time          { return time.UnixMilli(c.ms.Load()) }
func (c *testClock) advance(d time.Duration) { c.ms.Add(d.Milliseconds()) }

// mustOpen opens a fresh database file under t.TempDir().
func mustOpen(tb testing.TB, opt Options) (*DB, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "urc.db")
	return mustOpenPath(tb, path, opt), path
}

func mustOpenPath(tb testing.TB, path string, opt Options) *DB {
	tb.Helper()
	reg, err := schema.Load(contract.FS)
	if err != nil {
		tb.Fatal(err)
	}
	opt.Schemas = reg
	if opt.Hasher == nil {
		opt.Hasher = auth.NewHasher(4)
	}
	db, err := Open(context.Background(), path, opt)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// phone is a logged-in device as the store sees it.
type phone struct {
	p   core.Principal
	clk *syncproto.Clock
}

// mustPhone creates (or reuses) a user and logs a new device in.
func mustPhone(tb testing.TB, db *DB, username, role, team string) *phone {
	tb.Helper()
	ctx := context.Background()
	if _, _, err := db.userByName(ctx, username); err != nil {
		if _, err := db.AddUser(ctx, core.NewUser{Username: username, Password: "password-123", Role: role, TeamID: team}); err != nil {
			tb.Fatal(err)
		}
	}
	dev := uuid.Must(uuid.NewV7()).String()
	resp, err := db.Login(ctx, syncproto.LoginRequest{Username: username, Password: "password-123", DeviceID: dev, DeviceName: "test"}, "127.0.0.1")
	if err != nil {
		tb.Fatal(err)
	}
	p, err := db.Authenticate(ctx, resp.Token)
	if err != nil {
		tb.Fatal(err)
	}
	return &phone{p: p, clk: syncproto.NewClock(dev, syncproto.HLC{}, db.opt.Now)}
}

// change builds one raw change of this phone, stamped by its clock.
func (ph *phone) change(collection, id, kind string, fields map[string]any, base string) json.RawMessage {
	ch := map[string]any{
		"op_id": uuid.Must(uuid.NewV7()).String(), "collection": collection, "id": id, "kind": kind,
		"hlc": ph.clk.Now().String(), "base_cursor": base,
	}
	if fields != nil {
		ch["fields"] = fields
	}
	b, err := json.Marshal(ch)
	if err != nil {
		panic(err)
	}
	return b
}

func (ph *phone) push(tb testing.TB, db *DB, changes ...json.RawMessage) []syncproto.PushResult {
	tb.Helper()
	resp, err := db.Push(context.Background(), ph.p, core.PushBatch{DeviceID: ph.p.DeviceID, Changes: changes})
	if err != nil {
		tb.Fatal(err)
	}
	if len(resp.Results) != len(changes) {
		tb.Fatalf("%d results for %d changes", len(resp.Results), len(changes))
	}
	return resp.Results
}

// pullAll follows the cursor to the end and returns records by id and the
// final cursor.
func (ph *phone) pullAll(tb testing.TB, db *DB, cursor string) (map[string]syncproto.RecordChange, string) {
	tb.Helper()
	got := map[string]syncproto.RecordChange{}
	for {
		page, err := db.Pull(context.Background(), ph.p, cursor, 100, nil, nil)
		if err != nil {
			tb.Fatal(err)
		}
		resp, err := page.Decode()
		if err != nil {
			tb.Fatal(err)
		}
		for _, c := range resp.Changes {
			got[c.ID] = c
		}
		cursor = resp.Cursor
		if !resp.HasMore {
			return got, cursor
		}
	}
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

func encounter(extra map[string]any) map[string]any {
	f := map[string]any{"category": "anak_jalanan", "lat": 3.5952, "lon": 98.6722}
	for k, v := range extra {
		f[k] = v
	}
	return f
}

func fieldOf(tb testing.TB, rc syncproto.RecordChange, name string) string {
	tb.Helper()
	m, err := rc.FieldMap()
	if err != nil {
		tb.Fatal(err)
	}
	return string(m[name])
}

func wantStatus(tb testing.TB, r syncproto.PushResult, status string) {
	tb.Helper()
	if r.Status != status {
		tb.Fatalf("status = %s (error %+v), want %s", r.Status, r.Error, status)
	}
}

func wantRejected(tb testing.TB, r syncproto.PushResult, code string) {
	tb.Helper()
	if r.Status != syncproto.StatusRejected || r.Error == nil || r.Error.Code != code {
		tb.Fatalf("result = %+v, want rejected %s", r, code)
	}
}
