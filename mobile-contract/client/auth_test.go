package client

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"urcsync/syncproto"
)

func answer401(code string) func(http.ResponseWriter, *http.Request, []byte) bool {
	return func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		if r.URL.Path == "/v1/auth/login" {
			return false
		}
		writeError(w, 401, code)
		return true
	}
}

func TestDeviceRevokedWipes(t *testing.T) {
	f := newFakeServer(t)
	c := loggedIn(t, f, testOptions())
	ctx := context.Background()
	f.put("encounters", newID(), map[string]any{"x": 1})
	if _, err := c.Pull(ctx); err != nil {
		t.Fatal(err)
	}
	mustUpsert(t, c, "encounters", newID(), map[string]any{"x": 2})
	device, clock := c.DeviceID(), c.Clock()

	f.setHook(answer401(syncproto.CodeDeviceRevoked))
	_, err := c.Push(ctx)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 401 || ae.Code != syncproto.CodeDeviceRevoked {
		t.Fatalf("Push error %v, want device_revoked", err)
	}
	if n, _ := c.Pending(); n != 0 {
		t.Errorf("Pending = %d after revoke", n)
	}
	if recs, _ := c.Records("encounters"); len(recs) != 0 {
		t.Errorf("%d records after revoke", len(recs))
	}
	if c.Cursor() != "" {
		t.Errorf("Cursor = %q after revoke", c.Cursor())
	}
	if tok, _ := getState(c.db, keyToken); tok != "" {
		t.Error("token kept after revoke")
	}
	if c.DeviceID() != device || c.Clock().Compare(clock) < 0 {
		t.Error("device id or clock lost")
	}
	if _, err := c.Pull(ctx); !errors.Is(err, ErrNotLoggedIn) {
		t.Errorf("Pull after revoke: %v, want ErrNotLoggedIn", err)
	}
}

func TestTokenExpiredKeepsData(t *testing.T) {
	f := newFakeServer(t)
	c := loggedIn(t, f, testOptions())
	ctx := context.Background()
	id := newID()
	mustUpsert(t, c, "encounters", id, map[string]any{"x": 1})
	f.setHook(answer401(syncproto.CodeTokenExpired))
	_, err := c.Push(ctx)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != syncproto.CodeTokenExpired {
		t.Fatalf("Push error %v, want token_expired", err)
	}
	if n, _ := c.Pending(); n != 1 {
		t.Fatalf("Pending = %d, want 1", n)
	}
	if _, _, found, _ := c.Record("encounters", id); !found {
		t.Fatal("record lost")
	}
	if _, err := c.Push(ctx); !errors.Is(err, ErrNotLoggedIn) {
		t.Fatalf("Push with dropped token: %v", err)
	}
	f.setHook(nil)
	if _, err := c.Login(ctx, "alice", "pw", "p"); err != nil {
		t.Fatal(err)
	}
	if rep, err := c.Push(ctx); err != nil || rep.Applied != 1 {
		t.Fatalf("Push after login = %+v, %v", rep, err)
	}
}

func TestLoginAsAnotherUserPushesFirst(t *testing.T) {
	f := newFakeServer(t)
	c := loggedIn(t, f, testOptions())
	ctx := context.Background()
	f.put("encounters", newID(), map[string]any{"x": 1})
	if _, err := c.Pull(ctx); err != nil {
		t.Fatal(err)
	}
	mustUpsert(t, c, "encounters", newID(), map[string]any{"x": 2})

	// Pushing fails: bob may not log in yet.
	f.setHook(failFirst(100, func(w http.ResponseWriter) { writeError(w, 403, syncproto.CodeForbidden) }))
	if _, err := c.Login(ctx, "bob", "pw", "p"); !errors.Is(err, ErrPendingChanges) {
		t.Fatalf("Login of another user with pending changes: %v", err)
	}
	f.setHook(nil)
	u, err := c.Login(ctx, "bob", "pw", "p")
	if err != nil || u.Username != "bob" {
		t.Fatalf("Login = %+v, %v", u, err)
	}
	pushes := f.pushLog()
	if last := pushes[len(pushes)-1]; last.token != "tok-alice" || len(last.request.Changes) != 1 {
		t.Fatalf("pending change pushed with %q", last.token)
	}
	if recs, _ := c.Records("encounters"); len(recs) != 0 || c.Cursor() != "" {
		t.Fatalf("alice's replica kept for bob: %d records, cursor %q", len(recs), c.Cursor())
	}
}

func TestLoginWrongPasswordAndLogout(t *testing.T) {
	f := newFakeServer(t)
	c := openClient(t, f, "", testOptions())
	ctx := context.Background()
	_, err := c.Login(ctx, "alice", "nope", "p")
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != syncproto.CodeInvalidCredentials {
		t.Fatalf("Login error %v", err)
	}
	if _, err := c.Login(ctx, "alice", "pw", "p"); err != nil {
		t.Fatal(err)
	}
	if err := c.Logout(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Pull(ctx); !errors.Is(err, ErrNotLoggedIn) {
		t.Fatalf("Pull after logout: %v", err)
	}
}
