package core

import (
	"context"
	"encoding/json"

	"urcsync/syncproto"
)

// Conflict statuses.
const (
	ConflictOpen       = "open"
	ConflictResolved   = "resolved"
	ConflictSuperseded = "superseded"
)

// Resolutions of a conflict.
const (
	KeepCurrent = "keep_current"
	UseOther    = "use_other"
	Custom      = "custom"
)

// Review decisions on a photo.
const (
	ReviewPending     = "pending"
	ReviewApproved    = "approved"
	ReviewRejected    = "rejected"
	ReviewNeedsRetake = "needs_retake"
)

// ConflictSide is one of the two competing writes: the value, who wrote
// it, when and from which device.
type ConflictSide struct {
	Value    json.RawMessage `json:"value"`
	HLC      string          `json:"hlc"`
	DeviceID string          `json:"device_id"`
	UserID   string          `json:"user_id"`
	User     string          `json:"user"`
	At       string          `json:"at"`
}

// Conflict is a conflict the merge recorded, with the record as it is now.
type Conflict struct {
	ID         string       `json:"id"`
	TeamID     string       `json:"team_id"`
	Collection string       `json:"collection"`
	RecordID   string       `json:"record_id"`
	Field      string       `json:"field,omitempty"`
	Kind       string       `json:"kind"`
	Status     string       `json:"status"`
	Current    ConflictSide `json:"current"`
	Other      ConflictSide `json:"other"`
	CreatedAt  string       `json:"created_at"`
	ResolvedBy string       `json:"resolved_by,omitempty"`
	ResolvedAt string       `json:"resolved_at,omitempty"`
	Resolution string       `json:"resolution,omitempty"`
	// Value is the value a custom resolution chose.
	Value json.RawMessage `json:"value,omitempty"`
	Note  string          `json:"note,omitempty"`
	// Record is the record as it is now.
	Record syncproto.RecordChange `json:"record"`
}

// ConflictFilter selects conflicts to list.
type ConflictFilter struct {
	Status     string
	Collection string
	Page
}

// Resolution is a supervisor's decision on a conflict.
type Resolution struct {
	Resolution string          `json:"resolution"`
	Value      json.RawMessage `json:"value,omitempty"`
	Note       string          `json:"note"`
}

// MediaItem is a photo in the review queue.
type MediaItem struct {
	ID           string          `json:"id"`
	TeamID       string          `json:"team_id"`
	EncounterID  string          `json:"encounter_id"`
	ReviewStatus string          `json:"review_status"`
	Flags        []string        `json:"flags"`
	CreatedAt    string          `json:"created_at"`
	CreatedBy    string          `json:"created_by"`
	Username     string          `json:"username"`
	Record       json.RawMessage `json:"record"`
}

// MediaPlace is a photo's place in a review list.
type MediaPlace struct {
	Item  MediaItem
	Found bool
	// Prev and Next are the ids of the photos listed just before (newer)
	// and just after (older) it; empty at either end.
	Prev, Next string
}

// MediaFilter selects photos to review.
type MediaFilter struct {
	ReviewStatus string
	Flag         string
	// EncounterID keeps the photos of one encounter.
	EncounterID string
	Page
}

// Review is a decision on a photo.
type Review struct {
	Decision string `json:"decision"`
	Note     string `json:"note"`
}

// Purge is an erasure request for a record.
type Purge struct {
	Reason string `json:"reason"`
}

// Desk is the office's work on what sync brought in (protocol §6):
// conflicts, photo review and erasure. Supervisors see their own team,
// admins every team, officers nothing.
type Desk interface {
	// ListConflicts pages through conflicts, newest first. Errors:
	// forbidden, invalid_cursor, invalid_request.
	ListConflicts(ctx context.Context, p Principal, f ConflictFilter) ([]Conflict, string, error)
	// GetConflict returns one conflict with the record as it is now.
	// Errors: forbidden, not_found.
	GetConflict(ctx context.Context, p Principal, id string) (Conflict, error)
	// ResolveConflict applies a resolution as a server change stamped
	// above the field's current stamp. Errors: forbidden, not_found,
	// invalid_request, invalid_field (custom value), conflict_stale,
	// already_resolved.
	ResolveConflict(ctx context.Context, p Principal, id string, r Resolution) (Conflict, error)
	// ListMedia pages through photos for review, newest first. Errors:
	// forbidden, invalid_cursor, invalid_request.
	ListMedia(ctx context.Context, p Principal, f MediaFilter) ([]MediaItem, string, error)
	// LocateMedia finds one photo in the list f gives (its Page is
	// ignored), with the photos just before and after it there.
	// Found is false when the photo is not in that list. Errors:
	// forbidden, invalid_request.
	LocateMedia(ctx context.Context, p Principal, id string, f MediaFilter) (MediaPlace, error)
	// ReviewMedia records a decision as a server change of the photo's
	// review_status and review_note. Errors: forbidden, not_found,
	// invalid_request.
	ReviewMedia(ctx context.Context, p Principal, id string, r Review) (MediaItem, error)
	// PurgeRecord erases every stored value of a record (admin), keeping
	// its tombstone. Errors: forbidden, not_found, invalid_request.
	PurgeRecord(ctx context.Context, p Principal, collection, id string, r Purge) error
}

// Sessions are the office's browser sessions, stored server-side.
type Sessions interface {
	// StartSession checks credentials (throttled by the caller) and opens
	// a session for an office user. Errors: invalid_credentials,
	// user_disabled, forbidden (officers have no office pages).
	StartSession(ctx context.Context, username, password, addr string) (token string, p Principal, csrf string, err error)
	// Session resolves a session token. Errors: unauthenticated.
	Session(ctx context.Context, token string) (p Principal, csrf string, err error)
	// EndSession ends a session.
	EndSession(ctx context.Context, token string) error
}
