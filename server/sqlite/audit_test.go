package sqlite

import (
	"context"
	"strings"
	"testing"

	"urcsync/server/core"
	"urcsync/syncproto"
)

func TestAuditChain(t *testing.T) {
	db, _ := mustOpen(t, Options{})
	ctx := context.Background()
	admin := mustPhone(t, db, "admin", syncproto.RoleAdmin, "kantor")
	officer := mustPhone(t, db, "budi", syncproto.RoleOfficer, "urc-1")
	if _, err := login(t, db, "budi", "wrong-password", newID()); core.ErrorCode(err) != syncproto.CodeInvalidCredentials {
		t.Fatal(err)
	}
	if _, err := db.RevokeDevice(ctx, admin.p, officer.p.DeviceID); err != nil {
		t.Fatal(err)
	}
	items, _, err := db.ListAudit(ctx, admin.p, core.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	actions := []string{}
	for i := len(items) - 1; i >= 0; i-- {
		actions = append(actions, items[i].Action)
	}
	got := strings.Join(actions, ",")
	for _, want := range []string{"device_registered", "login", "login_failed", "device_revoked"} {
		if !strings.Contains(got, want) {
			t.Errorf("audit %s lacks %s", got, want)
		}
	}
	for _, it := range items {
		if it.Action == "login_failed" && (it.Address != "10.0.0.1" || it.Username != "budi") {
			t.Errorf("failed login lacks who/where: %+v", it)
		}
	}
	n, err := db.VerifyAudit(ctx)
	if err != nil || n != int64(len(items)) {
		t.Fatalf("verify: %d entries, %v", n, err)
	}

	// The database refuses edits; with the guards removed, the chain shows them.
	if _, err := db.write.Exec(`UPDATE audit SET username = 'x' WHERE seq = 2`); err == nil {
		t.Fatal("an audit entry could be updated")
	}
	if _, err := db.write.Exec(`DELETE FROM audit WHERE seq = 2`); err == nil {
		t.Fatal("an audit entry could be deleted")
	}
	if _, err := db.write.Exec(`DROP TRIGGER audit_no_update`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.Exec(`UPDATE audit SET address = '1.2.3.4' WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.VerifyAudit(ctx); err == nil || !strings.Contains(err.Error(), "entry 2 was altered") {
		t.Fatalf("tampering not detected: %v", err)
	}
}

func TestAuditScope(t *testing.T) {
	db, _ := mustOpen(t, Options{})
	ctx := context.Background()
	mustPhone(t, db, "budi", syncproto.RoleOfficer, "urc-1")
	mustPhone(t, db, "sari", syncproto.RoleOfficer, "urc-2")
	sup := mustPhone(t, db, "kepala", syncproto.RoleSupervisor, "urc-1")
	items, _, err := db.ListAudit(ctx, sup.p, core.Page{})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.TeamID != "urc-1" {
			t.Fatalf("supervisor of urc-1 sees %+v", it)
		}
	}
	officer := mustPhone(t, db, "budi", syncproto.RoleOfficer, "urc-1")
	if _, _, err := db.ListAudit(ctx, officer.p, core.Page{}); core.ErrorCode(err) != syncproto.CodeForbidden {
		t.Fatalf("officer reading the audit: %v", err)
	}
}
