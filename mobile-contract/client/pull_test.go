package client

import (
	"context"
	"database/sql"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"urcsync/syncproto"
)

func TestPullPagesAndResumesInterruptedPull(t *testing.T) {
	f := newFakeServer(t)
	opt := testOptions()
	opt.BatchSize = 2
	c := loggedIn(t, f, opt)
	ctx := context.Background()
	for range 5 {
		f.put("encounters", newID(), map[string]any{"x": 1})
	}
	// The second page fails for good.
	var pulls atomic.Int32
	f.setHook(func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		if r.URL.Path == "/v1/sync/pull" && pulls.Add(1) == 2 {
			writeError(w, 400, syncproto.CodeInvalidRequest)
			return true
		}
		return false
	})
	if _, err := c.Pull(ctx); err == nil {
		t.Fatal("interrupted pull reported success")
	}
	if c.Cursor() != "" {
		t.Fatalf("Cursor = %q after an unfinished pull, want empty", c.Cursor())
	}
	op := mustUpsert(t, c, "encounters", newID(), map[string]any{"x": 2})
	if base := pendingByOp(t, c)[op].BaseCursor; base != "" {
		t.Fatalf("base_cursor %q from an unfinished pull", base)
	}
	f.setHook(nil)
	rep, err := c.Pull(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Pages != 2 || rep.Records != 3 {
		t.Fatalf("resumed pull %+v, want the 3 remaining records in 2 pages", rep)
	}
	log := f.pullLog()
	if log[0] != "" || log[1] != "c2" || log[2] != "c2" || log[3] != "c4" {
		t.Fatalf("cursors asked for %q", log)
	}
	if c.Cursor() != "c5" {
		t.Fatalf("Cursor = %q, want c5", c.Cursor())
	}
	if recs, _ := c.Records("encounters"); len(recs) != 6 {
		t.Fatalf("%d records, want 6", len(recs))
	}
}

func TestPendingFieldsSurvivePull(t *testing.T) {
	f := newFakeServer(t)
	c := loggedIn(t, f, testOptions())
	ctx := context.Background()
	id := newID()
	f.put("encounters", id, map[string]any{"x": "server-1", "y": "server-1"})
	if _, err := c.Pull(ctx); err != nil {
		t.Fatal(err)
	}
	mustUpsert(t, c, "encounters", id, map[string]any{"x": "local"})
	f.put("encounters", id, map[string]any{"x": "server-2", "y": "server-2"})
	if _, err := c.Pull(ctx); err != nil {
		t.Fatal(err)
	}
	fields, _, _, _ := c.Record("encounters", id)
	if string(fields["x"]) != `"local"` || string(fields["y"]) != `"server-2"` {
		t.Fatalf("after pull x=%s y=%s, want local x and pulled y", fields["x"], fields["y"])
	}
	// Once pushed, the next pull brings the resolved value.
	if err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	want := string(f.recs["encounters/"+id].rec.Fields["x"].Value)
	f.mu.Unlock()
	fields, _, _, _ = c.Record("encounters", id)
	if string(fields["x"]) != want {
		t.Fatalf("after sync x=%s, server holds %s", fields["x"], want)
	}
}

func TestPulledTombstoneClearsFields(t *testing.T) {
	f := newFakeServer(t)
	c := loggedIn(t, f, testOptions())
	ctx := context.Background()
	id := newID()
	f.put("encounters", id, map[string]any{"x": 1, "y": 1})
	if _, err := c.Pull(ctx); err != nil {
		t.Fatal(err)
	}
	mustUpsert(t, c, "encounters", id, map[string]any{"y": 2})
	f.mu.Lock()
	f.apply("encounters", id, syncproto.KindDelete, nil, f.clock.Now().String(), syncproto.ServerNode)
	f.mu.Unlock()
	if _, err := c.Pull(ctx); err != nil {
		t.Fatal(err)
	}
	fields, deleted, found, _ := c.Record("encounters", id)
	if !found || !deleted || fields["x"] != nil || string(fields["y"]) != "2" {
		t.Fatalf("tombstone: fields %v deleted %v found %v", fields, deleted, found)
	}
}

func TestPullRetriesCutBody(t *testing.T) {
	f := newFakeServer(t)
	c := loggedIn(t, f, testOptions())
	f.put("encounters", newID(), map[string]any{"x": 1})
	var pulls atomic.Int32
	f.setHook(func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		if r.URL.Path == "/v1/sync/pull" && pulls.Add(1) == 1 {
			cutBody(t, w)
			return true
		}
		return false
	})
	rep, err := c.Pull(context.Background())
	if err != nil || rep.Records != 1 {
		t.Fatalf("Pull = %+v, %v", rep, err)
	}
}

func TestCursorExpiredRepullsFromTheBeginning(t *testing.T) {
	f := newFakeServer(t)
	c := loggedIn(t, f, testOptions())
	ctx := context.Background()
	gone, kept, local := newID(), newID(), newID()
	f.put("encounters", gone, map[string]any{"x": 1})
	f.put("encounters", kept, map[string]any{"x": 1})
	if _, err := c.Pull(ctx); err != nil {
		t.Fatal(err)
	}
	old := c.Cursor()
	mustUpsert(t, c, "encounters", local, map[string]any{"x": "pending"})
	mustUpsert(t, c, "encounters", kept, map[string]any{"y": "pending"})

	// The officer moved to another team: old cursors expire and the scope changes.
	f.drop("encounters", gone)
	fresh := newID()
	f.put("encounters", fresh, map[string]any{"x": 2})
	f.setHook(func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		if r.URL.Path == "/v1/sync/pull" && r.URL.Query().Get("cursor") == old {
			writeError(w, 410, syncproto.CodeCursorExpired)
			return true
		}
		return false
	})
	if _, err := c.Pull(ctx); err != nil {
		t.Fatal(err)
	}
	if log := f.pullLog(); log[len(log)-2] != old || log[len(log)-1] != "" {
		t.Fatalf("cursors asked for %q, want the old one then the beginning", log)
	}
	recs, _ := c.Records("encounters")
	if _, ok := recs[gone]; ok {
		t.Error("record of the old scope kept")
	}
	if _, ok := recs[fresh]; !ok {
		t.Error("record of the new scope missing")
	}
	if string(recs[local].Fields["x"]) != `"pending"` || string(recs[kept].Fields["y"]) != `"pending"` ||
		string(recs[kept].Fields["x"]) != "1" {
		t.Errorf("pending edits lost: %v %v", recs[local].Fields, recs[kept].Fields)
	}
	if n, _ := c.Pending(); n != 2 {
		t.Errorf("Pending = %d, want 2", n)
	}
	if c.Cursor() == old || c.Cursor() == "" {
		t.Errorf("Cursor = %q after the re-pull", c.Cursor())
	}
}

// The next page is asked for before this page is stored: while the
// replica is locked by another writer after the first page was served,
// the request for the second page still arrives.
func TestPullAsksForTheNextPageWhileStoringThisOne(t *testing.T) {
	f := newFakeServer(t)
	opt := testOptions()
	opt.BatchSize = 2
	path := filepath.Join(t.TempDir(), "phone.db")
	c := openClient(t, f, path, opt)
	if _, err := c.Login(context.Background(), "alice", "pw", "test phone"); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		f.put("encounters", newID(), map[string]any{"x": 1})
	}
	other, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	lock, err := other.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	var mu sync.Mutex
	locked, askedWhileLocked := false, false
	f.setHook(func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		if r.URL.Path != "/v1/sync/pull" {
			return false
		}
		mu.Lock()
		defer mu.Unlock()
		switch r.URL.Query().Get("cursor") {
		case "":
			if _, err := lock.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
				t.Errorf("locking the replica: %v", err)
			}
			locked = true
		case "c2":
			if locked {
				askedWhileLocked = true
				lock.ExecContext(context.Background(), "ROLLBACK")
				locked = false
			}
		}
		return false
	})
	rep, err := c.Pull(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !askedWhileLocked {
		t.Fatal("the second page was asked for only after the first was stored")
	}
	if rep.Pages != 3 || rep.Records != 5 || c.Cursor() != "c5" {
		t.Fatalf("pull %+v ending at %q, want 5 records in 3 pages ending at c5", rep, c.Cursor())
	}
}

// A page asked for ahead on the strength of a page's first bytes is
// dropped when that page, sent again after a cut, ends at another
// position: no record between the two positions is skipped.
func TestPullDropsThePageAheadWhenAResentPageMoved(t *testing.T) {
	f := newFakeServer(t)
	opt := testOptions()
	opt.BatchSize = 2
	c := loggedIn(t, f, opt)
	for range 5 {
		f.put("encounters", newID(), map[string]any{"x": 1})
	}
	var cut atomic.Bool
	f.setHook(func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		if r.URL.Path != "/v1/sync/pull" || r.URL.Query().Get("cursor") != "" || !cut.CompareAndSwap(false, true) {
			return false
		}
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Errorf("hijack: %v", err)
			return true
		}
		buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n" +
			`{"cursor":"c4","has_more":true,"server_hlc":"x","changes":[`)
		buf.Flush()
		conn.Close()
		return true
	})
	rep, err := c.Pull(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !cut.Load() {
		t.Fatal("the first page was not cut")
	}
	if recs, _ := c.Records("encounters"); len(recs) != 5 || c.Cursor() != "c5" {
		t.Fatalf("%d records ending at %q after %+v, want all 5 ending at c5", len(recs), c.Cursor(), rep)
	}
}
