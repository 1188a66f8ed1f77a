package core

import (
	"context"
	"encoding/json"

	"urcsync/syncproto"
)

// PushBatch is a push request whose envelope was decoded; each change is
// kept raw so that one malformed change is judged alone.
type PushBatch struct {
	DeviceID string
	SentAt   string
	Changes  []json.RawMessage
}

// Sync merges phones' change logs and serves them back.
type Sync interface {
	// Push judges every change in order and answers only after all that
	// were applied are durable. Errors: forbidden (device_id is not the
	// token's device), invalid_request.
	Push(ctx context.Context, p Principal, b PushBatch) (*syncproto.PushResponse, error)
	// Pull returns the records of the caller's scope changed after cursor,
	// their JSON appended to into (which may be nil) so that a caller can
	// reuse its buffers. onHead, when not nil, is given the page's
	// position (cursor, has_more, server_hlc) before the records are
	// read; an error from it ends the pull. Errors: invalid_cursor,
	// cursor_expired.
	Pull(ctx context.Context, p Principal, cursor string, limit int, into []byte, onHead func(*syncproto.EncodedPull) error) (*syncproto.EncodedPull, error)
}

// Accounts logs people in and manages users and devices.
type Accounts interface {
	// Login checks credentials and binds the device. Errors:
	// invalid_credentials, user_disabled, device_unavailable, invalid_request.
	Login(ctx context.Context, req syncproto.LoginRequest, addr string) (*syncproto.LoginResponse, error)
	// Authenticate resolves a bearer token. Errors: unauthenticated,
	// token_expired, user_disabled, device_revoked.
	Authenticate(ctx context.Context, token string) (Principal, error)
	// Logout ends the caller's token.
	Logout(ctx context.Context, p Principal) error
	// ListUsers lists every user (admin). Errors: forbidden.
	ListUsers(ctx context.Context, p Principal) ([]UserAccount, error)
	// CreateUser adds a user (admin). Errors: forbidden, invalid_request,
	// username_taken.
	CreateUser(ctx context.Context, p Principal, u NewUser) (UserAccount, error)
	// UpdateUser changes a user (admin) and ends their tokens when the
	// change touches role, team, password or activity. Errors: forbidden,
	// not_found, invalid_request.
	UpdateUser(ctx context.Context, p Principal, id string, u UserPatch) (UserAccount, error)
	// ListDevices lists the devices of the caller's scope (office).
	// Errors: forbidden.
	ListDevices(ctx context.Context, p Principal) ([]Device, error)
	// RevokeDevice revokes a device and ends its tokens. Errors:
	// forbidden, not_found.
	RevokeDevice(ctx context.Context, p Principal, id string) (Device, error)
}

// Office serves the office's views of sync.
type Office interface {
	// ListRejected pages through rejected changes of the caller's scope,
	// newest first. Errors: forbidden, invalid_cursor.
	ListRejected(ctx context.Context, p Principal, pg Page) (items []RejectedChange, next string, err error)
	// ListAudit pages through the audit log of the caller's scope, newest
	// first. Errors: forbidden, invalid_cursor.
	ListAudit(ctx context.Context, p Principal, pg Page) (items []AuditEntry, next string, err error)
	// RestoreRecord undeletes a record (admin), stamped above its delete.
	// Errors: forbidden, not_found.
	RestoreRecord(ctx context.Context, p Principal, collection, id string) (syncproto.RecordChange, error)
}

// Checker reports whether a dependency is reachable.
type Checker interface {
	// Ready returns nil when the dependency works.
	Ready(ctx context.Context) error
}
