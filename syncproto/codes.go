package syncproto

// Stable error codes. Phones and office tools branch on these; the list is
// append-only and a code is never renamed.
const (
	CodeInvalidJSON         = "invalid_json"
	CodeInvalidRequest      = "invalid_request"
	CodePayloadTooLarge     = "payload_too_large"
	CodeUnsupportedMedia    = "unsupported_media_type"
	CodeUnauthenticated     = "unauthenticated"
	CodeTokenExpired        = "token_expired"
	CodeUserDisabled        = "user_disabled"
	CodeDeviceRevoked       = "device_revoked"
	CodeInvalidCredentials  = "invalid_credentials"
	CodeDeviceUnavailable   = "device_unavailable"
	CodeForbidden           = "forbidden"
	CodeNotFound            = "not_found"
	CodeRateLimited         = "rate_limited"
	CodeInvalidCursor       = "invalid_cursor"
	CodeCursorExpired       = "cursor_expired"
	CodeOpIDReused          = "op_id_reused"
	CodeInvalidHLC          = "invalid_hlc"
	CodeUnknownCollection   = "unknown_collection"
	CodeUnknownField        = "unknown_field"
	CodeInvalidField        = "invalid_field"
	CodeMissingField        = "missing_field"
	CodeInvalidReference    = "invalid_reference"
	CodeReadOnlyField       = "read_only_field"
	CodeUsernameTaken       = "username_taken"
	CodeConflictStale       = "conflict_stale"
	CodeAlreadyResolved     = "already_resolved"
	CodeDigestMismatch      = "digest_mismatch"
	CodeImageTooLarge       = "image_too_large"
	CodeOffsetMismatch      = "offset_mismatch"
	CodeStorageUnavailable  = "storage_unavailable"
	CodeServiceUnavailable  = "service_unavailable"
	CodeInternal            = "internal"
	CodeUnsupportedVersion  = "unsupported_version"
	CodeRangeNotSatisfiable = "range_not_satisfiable"
)

// Change statuses in a push result.
const (
	StatusApplied   = "applied"
	StatusDuplicate = "duplicate"
	StatusRejected  = "rejected"
)

// Change kinds.
const (
	KindUpsert = "upsert"
	KindDelete = "delete"
)

// Conflict kinds.
const (
	ConflictConcurrentEdit = "concurrent_edit"
	ConflictEditOnDeleted  = "edit_on_deleted"
	ConflictDeleteOverEdit = "delete_over_edit"
)

// Roles of users.
const (
	RoleOfficer    = "officer"
	RoleSupervisor = "supervisor"
	RoleAdmin      = "admin"
)
