package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"urcsync/server/core"
	"urcsync/syncproto"
)

// brokenSync fails in the ways a store can: a raw internal error with
// details that must not leak, or a panic.
type brokenSync struct{ panic bool }

func (b brokenSync) Push(context.Context, core.Principal, core.PushBatch) (*syncproto.PushResponse, error) {
	if b.panic {
		panic("nil map in /srv/urc/secret.go")
	}
	return nil, errors.New("sqlite: no such table: records at /srv/urc/data/urc.db")
}

func (b brokenSync) Pull(context.Context, core.Principal, string, int, []byte, func(*syncproto.EncodedPull) error) (*syncproto.EncodedPull, error) {
	return nil, core.Errorf(syncproto.CodeCursorExpired, "start again")
}

type anyToken struct{ core.Accounts }

func (anyToken) Authenticate(context.Context, string) (core.Principal, error) {
	return core.Principal{UserID: "u", DeviceID: "d"}, nil
}

func TestErrorsNeverLeak(t *testing.T) {
	var logs bytes.Buffer
	for _, tc := range []struct {
		name     string
		sync     brokenSync
		method   string
		path     string
		status   int
		code     string
		mustHide string
	}{
		{"InternalError", brokenSync{}, "POST", "/v1/sync/push", 500, syncproto.CodeInternal, "/srv/urc"},
		{"Panic", brokenSync{panic: true}, "POST", "/v1/sync/push", 500, syncproto.CodeInternal, "secret.go"},
		{"MappedCode", brokenSync{}, "GET", "/v1/sync/pull", 410, syncproto.CodeCursorExpired, ""},
		{"UnknownRoute", brokenSync{}, "GET", "/v2/nothing", 404, syncproto.CodeNotFound, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, err := New(Config{Sync: tc.sync, Accounts: anyToken{}, Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
			if err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequest(tc.method, tc.path, strings.NewReader(`{"device_id":"d","changes":[]}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer x")
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			var body syncproto.ErrorBody
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("body %q: %v", rec.Body, err)
			}
			if rec.Code != tc.status || body.Error.Code != tc.code {
				t.Fatalf("got %d %s, want %d %s", rec.Code, body.Error.Code, tc.status, tc.code)
			}
			if tc.mustHide != "" && strings.Contains(rec.Body.String(), tc.mustHide) {
				t.Fatalf("error body leaks %q: %s", tc.mustHide, rec.Body)
			}
			if rid := rec.Header().Get("X-Request-Id"); tc.status == 500 && !strings.Contains(logs.String(), rid) {
				t.Fatalf("the 500 is not logged with its request id %s", rid)
			}
		})
	}
}

func TestEveryCodeHasAStatus(t *testing.T) {
	for code, status := range statusByCode {
		if status < 400 || status > 599 {
			t.Errorf("%s maps to %d", code, status)
		}
	}
	if http.StatusText(statusByCode[syncproto.CodeCursorExpired]) != "Gone" {
		t.Error("cursor_expired is not 410")
	}
}
