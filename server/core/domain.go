package core

import (
	"encoding/json"

	"urcsync/syncproto"
)

// Principal is the authenticated caller of a /v1/ request.
type Principal struct {
	UserID    string
	Username  string
	Role      string
	TeamID    string
	TeamEpoch int64
	DeviceID  string
	// TokenHash identifies the token the request carried.
	TokenHash []byte
	// Addr is the client address the request came from (for the audit).
	Addr string
}

// IsAdmin reports whether the caller sees every team.
func (p Principal) IsAdmin() bool { return p.Role == syncproto.RoleAdmin }

// IsOffice reports whether the caller may use /v1/admin/ endpoints.
func (p Principal) IsOffice() bool {
	return p.Role == syncproto.RoleAdmin || p.Role == syncproto.RoleSupervisor
}

// InScope reports whether a record of team belongs to the caller's scope.
func (p Principal) InScope(team string) bool { return p.IsAdmin() || p.TeamID == team }

// UserAccount is a user as the office sees it.
type UserAccount struct {
	ID        string `json:"id"`
	Username  string `json:"username"`
	Role      string `json:"role"`
	TeamID    string `json:"team_id"`
	Active    bool   `json:"active"`
	CreatedAt string `json:"created_at"`
}

// NewUser is what it takes to create a user.
type NewUser struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Role     string `json:"role"`
	TeamID   string `json:"team_id"`
}

// UserPatch changes a user; nil fields stay as they are.
type UserPatch struct {
	Active   *bool   `json:"active"`
	Role     *string `json:"role"`
	TeamID   *string `json:"team_id"`
	Password *string `json:"password"`
}

// Device is a phone (or browser) bound to the first user that logged in
// with its id.
type Device struct {
	ID            string  `json:"id"`
	Name          string  `json:"name"`
	UserID        string  `json:"user_id"`
	Username      string  `json:"username"`
	TeamID        string  `json:"team_id"`
	Revoked       bool    `json:"revoked"`
	CreatedAt     string  `json:"created_at"`
	LastSyncAt    *string `json:"last_sync_at"`
	ClockOffsetMS *int64  `json:"clock_offset_ms"`
}

// RejectedChange is a change the server refused, kept for the office.
type RejectedChange struct {
	ID         int64                 `json:"id"`
	OpID       string                `json:"op_id"`
	DeviceID   string                `json:"device_id"`
	UserID     string                `json:"user_id"`
	Username   string                `json:"username"`
	TeamID     string                `json:"team_id"`
	Collection string                `json:"collection"`
	RecordID   string                `json:"record_id"`
	Change     json.RawMessage       `json:"change"`
	Error      syncproto.ChangeError `json:"error"`
	ReceivedAt string                `json:"received_at"`
}

// Times in these types are RFC 3339 UTC with milliseconds, as the
// protocol emits them.

// Page asks for one page of a list.
type Page struct {
	Limit  int
	Cursor string
}

// ValidRole reports whether r is one of the three roles.
func ValidRole(r string) bool {
	switch r {
	case syncproto.RoleOfficer, syncproto.RoleSupervisor, syncproto.RoleAdmin:
		return true
	}
	return false
}

// AuditEntry is one line of the append-only audit log: who, when, what,
// from where, chained to the previous entry by hash.
type AuditEntry struct {
	Seq      int64           `json:"seq"`
	At       string          `json:"at"`
	UserID   string          `json:"user_id"`
	Username string          `json:"username"`
	DeviceID string          `json:"device_id"`
	Address  string          `json:"address"`
	Action   string          `json:"action"`
	Target   string          `json:"target"`
	TeamID   string          `json:"team_id"`
	Details  json.RawMessage `json:"details"`
	PrevHash string          `json:"prev_hash"`
	Hash     string          `json:"hash"`
}
