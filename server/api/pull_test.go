package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"urcsync/server/admit"
	"urcsync/server/core"
	"urcsync/syncproto"
)

// panickingPull is a store whose pull panics.
type panickingPull struct{ brokenSync }

func (panickingPull) Pull(context.Context, core.Principal, string, int, []byte, func(*syncproto.EncodedPull) error) (*syncproto.EncodedPull, error) {
	panic("pull broke")
}

// TestPullPanicGivesBackItsGateSlot: a pull that panics answers 500 and
// leaves its admission slot free for the next request.
func TestPullPanicGivesBackItsGateSlot(t *testing.T) {
	gate := admit.New(1)
	srv, err := New(Config{Sync: panickingPull{}, Accounts: anyToken{}, Gate: gate, Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/v1/sync/pull", nil)
	req.Header.Set("Authorization", "Bearer x")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != 500 {
		t.Fatalf("a panicking pull answered %d, want 500", rec.Code)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := gate.Enter(ctx); err != nil {
		t.Fatalf("the gate's slot was not given back after the panic: %v", err)
	}
	gate.Leave()
}

// scriptedPull is a store whose pull sends its head (when head is true)
// and then fails with err, or panics.
type scriptedPull struct {
	brokenSync
	head   bool
	err    error
	panics bool
}

func (s scriptedPull) Pull(_ context.Context, _ core.Principal, _ string, _ int, _ []byte, onHead func(*syncproto.EncodedPull) error) (*syncproto.EncodedPull, error) {
	if s.head {
		if err := onHead(&syncproto.EncodedPull{Cursor: "c1", HasMore: true, ServerHLC: "h"}); err != nil {
			return nil, err
		}
	}
	if s.panics {
		panic("store broke after the head")
	}
	if s.err != nil {
		return nil, s.err
	}
	return &syncproto.EncodedPull{Cursor: "c1", HasMore: true, ServerHLC: "h", Count: 1,
		Changes: []byte(`[{"collection":"encounters","id":"r1","deleted":true,"hlc":"h1"}]`)}, nil
}

// Over HTTP/2 (TLS), where a head may wait behind other answers on the
// connection, a page still arrives whole, head first, and one failing
// after its head is still cut short.
func TestPullOverHTTP2(t *testing.T) {
	quiet := slog.New(slog.NewJSONHandler(io.Discard, nil))
	for _, tc := range []struct {
		name string
		pull scriptedPull
		cut  bool
	}{
		{"whole", scriptedPull{head: true}, false},
		{"failing", scriptedPull{head: true, err: errors.New("disk gone")}, true},
	} {
		srv, err := New(Config{Sync: tc.pull, Accounts: anyToken{}, Gate: admit.New(1), Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewUnstartedServer(srv)
		ts.EnableHTTP2 = true
		ts.StartTLS()
		req, _ := http.NewRequest("GET", ts.URL+"/v1/sync/pull", nil)
		req.Header.Set("Authorization", "Bearer x")
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		ts.Close()
		if resp.ProtoMajor != 2 {
			t.Fatalf("%s: answered over HTTP/%d", tc.name, resp.ProtoMajor)
		}
		if tc.cut != (err != nil) {
			t.Fatalf("%s: read error %v, want cut=%v (body %q)", tc.name, err, tc.cut, got)
		}
		if h, ok := syncproto.ReadPullHead(bytes.NewReader(got)); !ok || h.Cursor != "c1" {
			t.Fatalf("%s: the head did not come first: %q", tc.name, got)
		}
		if !tc.cut {
			var page syncproto.PullResponse
			if err := json.Unmarshal(got, &page); err != nil || len(page.Changes) != 1 || page.Changes[0].ID != "r1" {
				t.Fatalf("%s: page %q: %v", tc.name, got, err)
			}
		}
	}
}

// A pull refused before its head is an error answer a phone can read,
// not labelled gzip; one that fails after its head has gone out is cut
// short, so that the phone asks again instead of taking half a page.
func TestPullErrorsBeforeAndAfterTheHead(t *testing.T) {
	quiet := slog.New(slog.NewJSONHandler(io.Discard, nil))
	before, err := New(Config{Sync: scriptedPull{err: core.Errorf(syncproto.CodeInvalidCursor, "bad")}, Accounts: anyToken{}, Gate: admit.New(1), Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/v1/sync/pull?cursor=x", nil)
	req.Header.Set("Authorization", "Bearer x")
	req.Header.Set("Accept-Encoding", "gzip")
	rec := httptest.NewRecorder()
	before.ServeHTTP(rec, req)
	var eb syncproto.ErrorBody
	body := rec.Body.Bytes()
	if rec.Header().Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("labelled gzip but is not: %v", err)
		}
		body, _ = io.ReadAll(zr)
	}
	if rec.Code != 400 || json.Unmarshal(body, &eb) != nil || eb.Error.Code != syncproto.CodeInvalidCursor {
		t.Fatalf("refused pull: %d %q", rec.Code, body)
	}

	after, err := New(Config{Sync: scriptedPull{head: true, err: errors.New("disk gone")}, Accounts: anyToken{}, Gate: admit.New(1), Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	panicking, err := New(Config{Sync: scriptedPull{head: true, panics: true}, Accounts: anyToken{}, Gate: admit.New(1), Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	for name, srv := range map[string]*Server{"failing": after, "panicking": panicking} {
		ts := httptest.NewServer(srv)
		for _, encoding := range []string{"identity", "gzip"} {
			req, _ := http.NewRequest("GET", ts.URL+"/v1/sync/pull", nil)
			req.Header.Set("Authorization", "Bearer x")
			req.Header.Set("Accept-Encoding", encoding)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var body io.Reader = resp.Body
			if resp.Header.Get("Content-Encoding") == "gzip" {
				if body, err = gzip.NewReader(resp.Body); err != nil {
					t.Fatal(err)
				}
			}
			got, err := io.ReadAll(body)
			resp.Body.Close()
			if err == nil {
				t.Fatalf("%s pull, %s: ended cleanly after its head: %d %q", name, encoding, resp.StatusCode, got)
			}
			if h, ok := syncproto.ReadPullHead(bytes.NewReader(got)); !ok || h.Cursor != "c1" {
				t.Fatalf("%s pull, %s: the head did not come first: %q", name, encoding, got)
			}
		}
		ts.Close()
	}
}
