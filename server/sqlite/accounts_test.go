package sqlite

import (
	"context"
	"testing"
	"time"

	"urcsync/server/auth"
	"urcsync/server/core"
	"urcsync/syncproto"
)

func login(t *testing.T, db *DB, user, pass, dev string) (*syncproto.LoginResponse, error) {
	t.Helper()
	return db.Login(context.Background(), syncproto.LoginRequest{Username: user, Password: pass, DeviceID: dev, DeviceName: "hp"}, "10.0.0.1")
}

func TestLoginAndDeviceBinding(t *testing.T) {
	db, _ := mustOpen(t, Options{})
	ctx := context.Background()
	for _, u := range []string{"budi", "sari"} {
		if _, err := db.AddUser(ctx, core.NewUser{Username: u, Password: "password-123", Role: "officer", TeamID: "urc-1"}); err != nil {
			t.Fatal(err)
		}
	}
	dev := newID()
	if _, err := login(t, db, "budi", "wrong-password", dev); core.ErrorCode(err) != syncproto.CodeInvalidCredentials {
		t.Fatalf("wrong password: %v", err)
	}
	if _, err := login(t, db, "nobody", "password-123", dev); core.ErrorCode(err) != syncproto.CodeInvalidCredentials {
		t.Fatalf("unknown user: %v", err)
	}
	resp, err := login(t, db, "BUDI", "password-123", dev)
	if err != nil {
		t.Fatal(err)
	}
	if resp.User.Username != "budi" || resp.DeviceID != dev || len(resp.Token) < 22 {
		t.Fatalf("login answer %+v", resp)
	}
	// Same user, same device again: fine. Another user on that device: refused.
	if _, err := login(t, db, "budi", "password-123", dev); err != nil {
		t.Fatal(err)
	}
	if _, err := login(t, db, "sari", "password-123", dev); core.ErrorCode(err) != syncproto.CodeDeviceUnavailable {
		t.Fatalf("device of another user: %v, want device_unavailable", err)
	}
	var stored int
	db.read.QueryRow(`SELECT count(*) FROM tokens WHERE hash = ?`, []byte(resp.Token)).Scan(&stored)
	if stored != 0 {
		t.Fatal("a token is stored in clear")
	}
}

func TestTokensEnd(t *testing.T) {
	clk := &testClock{}
	clk.ms.Store(time.Now().UnixMilli())
	db, _ := mustOpen(t, Options{Now: clk.now})
	ctx := context.Background()
	admin := mustPhone(t, db, "admin", syncproto.RoleAdmin, "kantor")
	auth := func(token string) string {
		_, err := db.Authenticate(ctx, token)
		if err == nil {
			return ""
		}
		return core.ErrorCode(err)
	}
	newToken := func(user string) (string, string) {
		t.Helper()
		if _, _, err := db.userByName(ctx, user); err != nil {
			if _, err := db.AddUser(ctx, core.NewUser{Username: user, Password: "password-123", Role: "officer", TeamID: "urc-1"}); err != nil {
				t.Fatal(err)
			}
		}
		dev := newID()
		resp, err := login(t, db, user, "password-123", dev)
		if err != nil {
			t.Fatal(err)
		}
		return resp.Token, dev
	}
	if got := auth("not-a-token"); got != syncproto.CodeUnauthenticated {
		t.Fatalf("unknown token: %q", got)
	}

	t.Run("Logout", func(t *testing.T) {
		tok, _ := newToken("u1")
		p, _ := db.Authenticate(ctx, tok)
		if err := db.Logout(ctx, p); err != nil {
			t.Fatal(err)
		}
		if got := auth(tok); got != syncproto.CodeUnauthenticated {
			t.Fatalf("after logout: %q", got)
		}
	})
	t.Run("Revoke", func(t *testing.T) {
		tok, dev := newToken("u2")
		other, _ := newToken("u2")
		if _, err := db.RevokeDevice(ctx, admin.p, dev); err != nil {
			t.Fatal(err)
		}
		if got := auth(tok); got != syncproto.CodeDeviceRevoked {
			t.Fatalf("after revoke: %q", got)
		}
		if got := auth(other); got != "" {
			t.Fatalf("the user's other device lost access: %q", got)
		}
		if _, err := login(t, db, "u2", "password-123", dev); core.ErrorCode(err) != syncproto.CodeDeviceUnavailable {
			t.Fatalf("login on a revoked device: %v", err)
		}
	})
	t.Run("Disable", func(t *testing.T) {
		tok, _ := newToken("u3")
		u, _, _ := db.userByName(ctx, "u3")
		off, on := false, true
		if _, err := db.UpdateUser(ctx, admin.p, u.ID, core.UserPatch{Active: &off}); err != nil {
			t.Fatal(err)
		}
		if got := auth(tok); got != syncproto.CodeUserDisabled {
			t.Fatalf("after disable: %q", got)
		}
		if _, err := login(t, db, "u3", "password-123", newID()); core.ErrorCode(err) != syncproto.CodeUserDisabled {
			t.Fatalf("disabled login: %v", err)
		}
		db.UpdateUser(ctx, admin.p, u.ID, core.UserPatch{Active: &on})
		if got := auth(tok); got != syncproto.CodeUnauthenticated {
			t.Fatalf("a token ended by disabling came back: %q", got)
		}
	})
	t.Run("RoleChange", func(t *testing.T) {
		tok, _ := newToken("u4")
		u, _, _ := db.userByName(ctx, "u4")
		role := syncproto.RoleSupervisor
		if _, err := db.UpdateUser(ctx, admin.p, u.ID, core.UserPatch{Role: &role}); err != nil {
			t.Fatal(err)
		}
		if got := auth(tok); got != syncproto.CodeUnauthenticated {
			t.Fatalf("after role change: %q", got)
		}
	})
	t.Run("Expiry", func(t *testing.T) {
		tok, _ := newToken("u5")
		clk.advance(29 * 24 * time.Hour)
		if got := auth(tok); got != "" {
			t.Fatalf("used within 30 days: %q", got)
		}
		waitTouched(t, db, tok, clk.now()) // the use is recorded asynchronously
		clk.advance(29 * 24 * time.Hour)
		if got := auth(tok); got != "" {
			t.Fatalf("30 days after the last use only 29 passed: %q", got)
		}
		waitTouched(t, db, tok, clk.now())
		clk.advance(31 * 24 * time.Hour)
		if got := auth(tok); got != syncproto.CodeTokenExpired {
			t.Fatalf("unused for 31 days: %q", got)
		}
	})
}

func TestUserAdmin(t *testing.T) {
	db, _ := mustOpen(t, Options{})
	ctx := context.Background()
	admin := mustPhone(t, db, "admin", syncproto.RoleAdmin, "kantor")
	sup := mustPhone(t, db, "kepala", syncproto.RoleSupervisor, "urc-1")
	if _, err := db.ListUsers(ctx, sup.p); core.ErrorCode(err) != syncproto.CodeForbidden {
		t.Fatalf("supervisor listing users: %v", err)
	}
	u, err := db.CreateUser(ctx, admin.p, core.NewUser{Username: "baru", Password: "password-123", Role: "officer", TeamID: "urc-3"})
	if err != nil || u.TeamID != "urc-3" || !u.Active {
		t.Fatalf("create: %+v %v", u, err)
	}
	if _, err := db.CreateUser(ctx, admin.p, core.NewUser{Username: "Baru", Password: "password-123", Role: "officer", TeamID: "urc-3"}); core.ErrorCode(err) != syncproto.CodeUsernameTaken {
		t.Fatalf("duplicate username: %v", err)
	}
	for _, bad := range []core.NewUser{
		{Username: "x", Password: "password-123", Role: "officer", TeamID: "urc-1"},
		{Username: "okname", Password: "short", Role: "officer", TeamID: "urc-1"},
		{Username: "okname", Password: "password-123", Role: "king", TeamID: "urc-1"},
		{Username: "okname", Password: "password-123", Role: "officer", TeamID: "URC 1!"},
	} {
		if _, err := db.CreateUser(ctx, admin.p, bad); core.ErrorCode(err) != syncproto.CodeInvalidRequest {
			t.Errorf("create %+v: %v, want invalid_request", bad, err)
		}
	}
	if _, err := db.UpdateUser(ctx, admin.p, newID(), core.UserPatch{}); core.ErrorCode(err) != syncproto.CodeNotFound {
		t.Fatalf("update unknown: %v", err)
	}
	devs, err := db.ListDevices(ctx, sup.p)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range devs {
		if d.TeamID != "urc-1" {
			t.Fatalf("supervisor sees a device of team %s", d.TeamID)
		}
	}
	if _, err := db.RevokeDevice(ctx, sup.p, admin.p.DeviceID); core.ErrorCode(err) != syncproto.CodeNotFound {
		t.Fatalf("supervisor revoking another team's device: %v, want not_found", err)
	}
}

// waitTouched waits until the token's last use is recorded as at.
func waitTouched(t *testing.T, db *DB, token string, at time.Time) {
	t.Helper()
	want := formatTime(at)
	deadline := time.Now().Add(10 * time.Second)
	for {
		var used string
		db.read.QueryRow(`SELECT last_used_at FROM tokens WHERE hash = ?`, auth.HashToken(token)).Scan(&used)
		if used == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("token use not recorded: last_used_at %s, want %s", used, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
