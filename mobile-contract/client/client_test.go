package client

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"urcsync/syncproto"
)

// testOptions are fast-retrying options.
func testOptions() Options {
	return Options{Backoff: time.Millisecond, MaxAttempts: 4}
}

func openClient(t *testing.T, f *fakeServer, path string, opt Options) *Client {
	t.Helper()
	if path == "" {
		path = filepath.Join(t.TempDir(), "phone.db")
	}
	c, err := Open(path, f.srv.URL, opt)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// loggedIn opens a client and logs in as alice.
func loggedIn(t *testing.T, f *fakeServer, opt Options) *Client {
	t.Helper()
	c := openClient(t, f, "", opt)
	if _, err := c.Login(context.Background(), "alice", "pw", "test phone"); err != nil {
		t.Fatalf("Login: %v", err)
	}
	return c
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

func mustUpsert(t *testing.T, c *Client, collection, id string, fields map[string]any) string {
	t.Helper()
	op, err := c.Upsert(collection, id, fields)
	if err != nil {
		t.Fatalf("Upsert: %v", err)
	}
	return op
}

// pendingByOp returns the outbox entries by op_id.
func pendingByOp(t *testing.T, c *Client) map[string]syncproto.Change {
	t.Helper()
	ps, err := loadPending(c.db, -1)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]syncproto.Change{}
	for _, p := range ps {
		out[p.OpID] = p.Change
	}
	return out
}

func TestClockPersistsAcrossRestartAndNeverGoesBack(t *testing.T) {
	f := newFakeServer(t)
	path := filepath.Join(t.TempDir(), "phone.db")
	t0 := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	opt := testOptions()
	opt.Now = func() time.Time { return t0 }
	c, err := Open(path, f.srv.URL, opt)
	if err != nil {
		t.Fatal(err)
	}
	device := c.DeviceID()
	id := newID()
	if _, err := c.Upsert("encounters", id, map[string]any{"note": "a"}); err != nil {
		t.Fatal(err)
	}
	h1 := c.Clock()
	if h1.Millis != t0.UnixMilli() || h1.Node != device {
		t.Fatalf("first stamp %v, want time %d node %s", h1, t0.UnixMilli(), device)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}

	// The phone's clock is reset an hour back.
	opt.Now = func() time.Time { return t0.Add(-time.Hour) }
	c, err = Open(path, f.srv.URL, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.DeviceID() != device {
		t.Fatalf("device id changed: %s → %s", device, c.DeviceID())
	}
	if got := c.Clock(); got != h1 {
		t.Fatalf("restored clock %v, want %v", got, h1)
	}
	if _, err := c.Upsert("encounters", id, map[string]any{"note": "b"}); err != nil {
		t.Fatal(err)
	}
	h2 := c.Clock()
	if h2.Compare(h1) <= 0 || h2.Millis != h1.Millis || h2.Counter != h1.Counter+1 {
		t.Fatalf("stamp after restart %v, want just above %v", h2, h1)
	}
	rec, _ := c.Records("encounters")
	if rec[id].HLC != h2.String() {
		t.Fatalf("record HLC %q, want %q", rec[id].HLC, h2)
	}

	// A stamp observed from the server is saved too.
	if _, err := c.Login(context.Background(), "alice", "pw", "p"); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.clock = syncproto.NewClock(syncproto.ServerNode, syncproto.HLC{Millis: t0.Add(time.Hour).UnixMilli()}, nil)
	f.mu.Unlock()
	f.put("encounters", newID(), map[string]any{"note": "server"})
	if _, err := c.Pull(context.Background()); err != nil {
		t.Fatal(err)
	}
	h3 := c.Clock()
	if h3.Millis < t0.Add(time.Hour).UnixMilli() {
		t.Fatalf("clock %v did not observe the server's stamp", h3)
	}
	c.Close()
	c, err = Open(path, f.srv.URL, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got := c.Clock(); got != h3 {
		t.Fatalf("restored clock %v, want %v", got, h3)
	}
}

func TestFixedDeviceID(t *testing.T) {
	f := newFakeServer(t)
	path := filepath.Join(t.TempDir(), "phone.db")
	opt := testOptions()
	opt.DeviceID = "0192F0C1-0000-7000-8000-0000000000AA"
	c := openClient(t, f, path, opt)
	if c.DeviceID() != "0192f0c1-0000-7000-8000-0000000000aa" {
		t.Fatalf("device id %q", c.DeviceID())
	}
	c.Close()
	opt.DeviceID = newID()
	if _, err := Open(path, f.srv.URL, opt); err == nil {
		t.Fatal("opening a file with another device id succeeded")
	}
}

func TestBaseCursorRule(t *testing.T) {
	f := newFakeServer(t)
	c := loggedIn(t, f, testOptions())
	ctx := context.Background()
	a, b, other := newID(), newID(), newID()

	opX := mustUpsert(t, c, "encounters", a, map[string]any{"x": 1}) // no pull completed yet
	f.put("encounters", other, map[string]any{"n": 1})
	if _, err := c.Pull(ctx); err != nil {
		t.Fatal(err)
	}
	c1 := c.Cursor()
	if c1 == "" {
		t.Fatal("no cursor after a completed pull")
	}
	opY := mustUpsert(t, c, "encounters", a, map[string]any{"y": 1})
	f.put("encounters", other, map[string]any{"n": 2})
	if _, err := c.Pull(ctx); err != nil {
		t.Fatal(err)
	}
	c2 := c.Cursor()
	opXZ := mustUpsert(t, c, "encounters", a, map[string]any{"x": 2, "z": 1}) // x is pending since before any pull
	opYW := mustUpsert(t, c, "encounters", a, map[string]any{"y": 2, "w": 1}) // y is pending since c1
	opB := mustUpsert(t, c, "encounters", b, map[string]any{"x": 1})
	f.put("encounters", other, map[string]any{"n": 3})
	if _, err := c.Pull(ctx); err != nil {
		t.Fatal(err)
	}
	c3 := c.Cursor()
	opDelB := mustOp(t)(c.Delete("encounters", b)) // record b pending since c2
	opDelA := mustOp(t)(c.Delete("encounters", a)) // oldest pending change of a: before any pull
	opNew := mustUpsert(t, c, "encounters", newID(), map[string]any{"x": 1})

	want := map[string]string{opX: "", opY: c1, opXZ: "", opYW: c1, opB: c2, opDelB: c2, opDelA: "", opNew: c3}
	got := pendingByOp(t, c)
	for op, base := range want {
		if got[op].BaseCursor != base {
			t.Errorf("%s %v: base_cursor %q, want %q", op, got[op].Fields, got[op].BaseCursor, base)
		}
	}
	if c1 == c2 || c2 == c3 {
		t.Fatalf("cursors did not move: %q %q %q", c1, c2, c3)
	}

	// The bases go out unchanged.
	if _, err := c.Push(ctx); err != nil {
		t.Fatal(err)
	}
	for _, p := range f.pushLog() {
		for _, ch := range p.request.Changes {
			if ch.BaseCursor != want[ch.OpID] {
				t.Errorf("pushed %s with base %q, want %q", ch.OpID, ch.BaseCursor, want[ch.OpID])
			}
		}
	}
}

func mustOp(t *testing.T) func(string, error) string {
	return func(op string, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return op
	}
}

func TestUpsertValidatesAndStampsLocally(t *testing.T) {
	f := newFakeServer(t)
	c := openClient(t, f, "", testOptions())
	if _, err := c.Upsert("encounters", "not-a-uuid", map[string]any{"x": 1}); err == nil {
		t.Error("upsert with a bad id succeeded")
	}
	if _, err := c.Upsert("encounters", newID(), nil); err == nil {
		t.Error("upsert without fields succeeded")
	}
	id := newID()
	op := mustUpsert(t, c, "encounters", id, map[string]any{"x": 1, "gone": nil})
	if _, err := uuid.Parse(op); err != nil {
		t.Fatalf("op_id %q: %v", op, err)
	}
	fields, deleted, found, err := c.Record("encounters", id)
	if err != nil || !found || deleted || string(fields["x"]) != "1" || string(fields["gone"]) != "null" {
		t.Fatalf("Record = %v %v %v %v", fields, deleted, found, err)
	}
	if _, err := c.Delete("encounters", id); err != nil {
		t.Fatal(err)
	}
	if _, deleted, _, _ = c.Record("encounters", id); !deleted {
		t.Fatal("local delete not shown")
	}
	if n, _ := c.Pending(); n != 2 {
		t.Fatalf("Pending = %d, want 2", n)
	}
	if _, err := c.Push(context.Background()); !errors.Is(err, ErrNotLoggedIn) {
		t.Fatalf("Push without login: %v", err)
	}
}

func TestStoreIsDurable(t *testing.T) {
	c := openClient(t, newFakeServer(t), "", testOptions())
	for pragma, want := range map[string]string{"journal_mode": "wal", "synchronous": "2", "secure_delete": "1", "busy_timeout": "5000"} {
		var got string
		if err := c.db.QueryRow("PRAGMA " + pragma).Scan(&got); err != nil || got != want {
			t.Errorf("PRAGMA %s = %q (%v), want %q", pragma, got, err, want)
		}
	}
}
