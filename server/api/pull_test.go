package api

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"urcsync/server/admit"
	"urcsync/server/core"
	"urcsync/syncproto"
)

// panickingPull is a store whose pull panics.
type panickingPull struct{ brokenSync }

func (panickingPull) Pull(context.Context, core.Principal, string, int, []byte) (*syncproto.EncodedPull, error) {
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
