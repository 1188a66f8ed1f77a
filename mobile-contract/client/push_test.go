package client

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"urcsync/syncproto"
)

// failFirst answers the first n pushes with fail, then lets the fake serve.
func failFirst(n int32, fail func(w http.ResponseWriter)) func(http.ResponseWriter, *http.Request, []byte) bool {
	var seen atomic.Int32
	return func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		if r.URL.Path != "/v1/sync/push" || seen.Add(1) > n {
			return false
		}
		fail(w)
		return true
	}
}

func opIDs(p fakePush) []string {
	var ids []string
	for _, ch := range p.request.Changes {
		ids = append(ids, ch.OpID)
	}
	return ids
}

// checkResent asserts that every push carried the same bytes.
func checkResent(t *testing.T, pushes []fakePush, want int) {
	t.Helper()
	if len(pushes) != want {
		t.Fatalf("%d pushes, want %d", len(pushes), want)
	}
	for i, p := range pushes[1:] {
		if !bytes.Equal(p.raw, pushes[0].raw) {
			t.Fatalf("push %d differs from the first:\n%s\n%s", i+2, pushes[0].raw, p.raw)
		}
	}
	raw := pushes[0].raw
	if zr, err := gzip.NewReader(bytes.NewReader(raw)); err == nil {
		if raw, err = io.ReadAll(zr); err != nil {
			t.Fatal(err)
		}
	}
	var first syncproto.PushRequest
	if err := json.Unmarshal(raw, &first); err != nil {
		t.Fatal(err)
	}
	if got := opIDs(pushes[len(pushes)-1]); strings.Join(got, ",") != strings.Join(opIDs(fakePush{request: first}), ",") {
		t.Fatalf("op_ids changed: %v", got)
	}
}

func TestPushResendsSameBytesAfter503(t *testing.T) {
	f := newFakeServer(t)
	c := loggedIn(t, f, testOptions())
	mustUpsert(t, c, "encounters", newID(), map[string]any{"x": 1})
	mustUpsert(t, c, "encounters", newID(), map[string]any{"x": 2})
	f.setHook(failFirst(1, func(w http.ResponseWriter) { writeError(w, 503, syncproto.CodeServiceUnavailable) }))
	rep, err := c.Push(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Applied != 2 || len(rep.Results) != 2 {
		t.Fatalf("report %+v", rep)
	}
	checkResent(t, f.pushLog(), 2)
	if n, _ := c.Pending(); n != 0 {
		t.Fatalf("Pending = %d after push", n)
	}
}

func TestPushHonoursRetryAfter(t *testing.T) {
	f := newFakeServer(t)
	c := loggedIn(t, f, testOptions())
	mustUpsert(t, c, "encounters", newID(), map[string]any{"x": 1})
	f.setHook(failFirst(1, func(w http.ResponseWriter) {
		w.Header().Set("Retry-After", "1")
		writeError(w, 429, syncproto.CodeRateLimited)
	}))
	if _, err := c.Push(context.Background()); err != nil {
		t.Fatal(err)
	}
	pushes := f.pushLog()
	checkResent(t, pushes, 2)
	if gap := pushes[1].at.Sub(pushes[0].at); gap < time.Second {
		t.Fatalf("resent after %v, want ≥ 1s (Retry-After)", gap)
	}
}

func TestPushRetriesCutConnection(t *testing.T) {
	f := newFakeServer(t)
	c := loggedIn(t, f, testOptions())
	mustUpsert(t, c, "encounters", newID(), map[string]any{"x": 1})
	f.setHook(failFirst(2, func(w http.ResponseWriter) { cutConnection(t, w) }))
	rep, err := c.Push(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Applied != 1 {
		t.Fatalf("report %+v", rep)
	}
	checkResent(t, f.pushLog(), 3)
}

func TestPushAnsweredButLostCountsAsDuplicate(t *testing.T) {
	f := newFakeServer(t)
	c := loggedIn(t, f, testOptions())
	mustUpsert(t, c, "encounters", newID(), map[string]any{"x": 1})
	// The server commits, but the answer is cut.
	var seen atomic.Int32
	f.setHook(func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		if r.URL.Path != "/v1/sync/push" || seen.Add(1) > 1 {
			return false
		}
		f.servePush(httptestDiscard{w.Header()}, r, body)
		cutBody(t, w)
		return true
	})
	rep, err := c.Push(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Duplicate != 1 || rep.Applied != 0 {
		t.Fatalf("report %+v, want one duplicate", rep)
	}
	checkResent(t, f.pushLog(), 2)
}

// httptestDiscard is a ResponseWriter that drops what it is given.
type httptestDiscard struct{ h http.Header }

func (d httptestDiscard) Header() http.Header         { return d.h.Clone() }
func (d httptestDiscard) Write(b []byte) (int, error) { return len(b), nil }
func (d httptestDiscard) WriteHeader(int)             {}

func TestPushGivesUpAndKeepsOutbox(t *testing.T) {
	f := newFakeServer(t)
	opt := testOptions()
	opt.MaxAttempts = 3
	c := loggedIn(t, f, opt)
	mustUpsert(t, c, "encounters", newID(), map[string]any{"x": 1})
	f.setHook(failFirst(100, func(w http.ResponseWriter) { writeError(w, 503, syncproto.CodeServiceUnavailable) }))
	_, err := c.Push(context.Background())
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 503 {
		t.Fatalf("Push error %v, want the 503", err)
	}
	if n := len(f.pushLog()); n != 3 {
		t.Fatalf("%d attempts, want 3", n)
	}
	if n, _ := c.Pending(); n != 1 {
		t.Fatalf("Pending = %d, want 1", n)
	}
}

func TestPushBackoffRespectsContext(t *testing.T) {
	f := newFakeServer(t)
	c := loggedIn(t, f, testOptions())
	mustUpsert(t, c, "encounters", newID(), map[string]any{"x": 1})
	f.setHook(failFirst(100, func(w http.ResponseWriter) {
		w.Header().Set("Retry-After", "30")
		writeError(w, 503, syncproto.CodeServiceUnavailable)
	}))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Push(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Push error %v, want deadline exceeded", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Fatal("cancellation not respected during backoff")
	}
}

func TestPushBatchesInOrder(t *testing.T) {
	f := newFakeServer(t)
	opt := testOptions()
	opt.BatchSize = 2
	c := loggedIn(t, f, opt)
	var ops []string
	for i := range 5 {
		ops = append(ops, mustUpsert(t, c, "encounters", newID(), map[string]any{"x": i}))
	}
	rep, err := c.Push(context.Background())
	if err != nil || rep.Applied != 5 {
		t.Fatalf("Push = %+v, %v", rep, err)
	}
	var sent []string
	for _, p := range f.pushLog() {
		if len(p.request.Changes) > 2 || p.request.DeviceID != c.DeviceID() {
			t.Fatalf("batch of %d from %q", len(p.request.Changes), p.request.DeviceID)
		}
		if _, err := time.Parse(time.RFC3339, p.request.SentAt); err != nil {
			t.Fatalf("sent_at %q: %v", p.request.SentAt, err)
		}
		sent = append(sent, opIDs(p)...)
	}
	if strings.Join(sent, ",") != strings.Join(ops, ",") {
		t.Fatalf("sent %v, want %v", sent, ops)
	}
}

func TestPushSplitsTooLargeBatches(t *testing.T) {
	f := newFakeServer(t)
	c := loggedIn(t, f, testOptions())
	for i := range 3 {
		mustUpsert(t, c, "encounters", newID(), map[string]any{"x": i})
	}
	big := mustUpsert(t, c, "encounters", newID(), map[string]any{"x": "big"})
	f.setHook(func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		if r.URL.Path == "/v1/sync/push" && (bytes.Count(body, []byte(`"op_id"`)) > 1 || bytes.Contains(body, []byte(`"big"`))) {
			writeError(w, 413, syncproto.CodePayloadTooLarge)
			return true
		}
		return false
	})
	rep, err := c.Push(context.Background())
	if err != nil || rep.Applied != 3 || rep.Rejected != 1 {
		t.Fatalf("Push = %+v, %v", rep, err)
	}
	rej, _ := c.Rejected()
	if len(rej) != 1 || rej[0].Change.OpID != big || rej[0].Code != syncproto.CodePayloadTooLarge {
		t.Fatalf("Rejected = %+v", rej)
	}
}

func TestRejectedChangesAreKept(t *testing.T) {
	f := newFakeServer(t)
	c := loggedIn(t, f, testOptions())
	ctx := context.Background()
	known := newID()
	f.put("encounters", known, map[string]any{"category": "anak_jalanan", "note": "server"})
	if _, err := c.Pull(ctx); err != nil {
		t.Fatal(err)
	}
	f.reject = func(ch syncproto.Change) *syncproto.ChangeError {
		if _, bad := ch.Fields["category"]; bad {
			return &syncproto.ChangeError{Code: syncproto.CodeInvalidField, Message: "bad enum value", Field: "category"}
		}
		return nil
	}
	mustUpsert(t, c, "encounters", newID(), map[string]any{"note": "fine"})
	bad := mustUpsert(t, c, "encounters", known, map[string]any{"category": "nope", "note": "local"})
	rep, err := c.Push(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Applied != 1 || rep.Rejected != 1 {
		t.Fatalf("report %+v", rep)
	}
	if n, _ := c.Pending(); n != 0 {
		t.Fatalf("Pending = %d", n)
	}
	rej, err := c.Rejected()
	if err != nil {
		t.Fatal(err)
	}
	if len(rej) != 1 {
		t.Fatalf("Rejected = %+v", rej)
	}
	r := rej[0]
	if r.Change.OpID != bad || r.Code != syncproto.CodeInvalidField || r.Field != "category" || r.Message == "" ||
		string(r.Change.Fields["category"]) != `"nope"` || r.RejectedAt.IsZero() {
		t.Fatalf("rejected change %+v", r)
	}
	// The replica falls back to what the server holds.
	fields, _, _, _ := c.Record("encounters", known)
	if string(fields["category"]) != `"anak_jalanan"` || string(fields["note"]) != `"server"` {
		t.Fatalf("replica after rejection: %s %s", fields["category"], fields["note"])
	}
}

func TestRestampReplacesLocalStamp(t *testing.T) {
	f := newFakeServer(t)
	opt := testOptions()
	opt.Now = func() time.Time { return time.Now().Add(time.Hour) } // phone clock an hour ahead
	c := loggedIn(t, f, opt)
	id := newID()
	mustUpsert(t, c, "encounters", id, map[string]any{"x": 1})
	f.restamp = true
	rep, err := c.Push(context.Background())
	if err != nil || len(rep.Results) != 1 || rep.Results[0].Restamped == "" {
		t.Fatalf("Push = %+v, %v", rep, err)
	}
	recs, _ := c.Records("encounters")
	if got := recs[id].HLC; got != rep.Results[0].Restamped {
		t.Fatalf("record HLC %q, want the restamp %q", got, rep.Results[0].Restamped)
	}
}

func TestGzip(t *testing.T) {
	f := newFakeServer(t)
	opt := testOptions()
	opt.Gzip = true
	c := loggedIn(t, f, opt)
	mustUpsert(t, c, "encounters", newID(), map[string]any{"x": 1})
	f.setHook(failFirst(1, func(w http.ResponseWriter) { writeError(w, 503, syncproto.CodeServiceUnavailable) }))
	if err := c.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	pushes := f.pushLog()
	checkResent(t, pushes, 2)
	h := pushes[0].header
	if h.Get("Content-Encoding") != "gzip" || h.Get("Accept-Encoding") != "gzip" || pushes[1].request.DeviceID == "" {
		t.Fatalf("headers %v", h)
	}
	if recs, _ := c.Records("encounters"); len(recs) != 1 {
		t.Fatalf("records after gzip pull: %v", recs)
	}
}
