package core

import (
	"context"
	"encoding/json"
	"io"
	"time"
)

// MediaInfo is what the media pipeline needs to know of a media record.
type MediaInfo struct {
	ID            string
	TeamID        string
	CreatedDevice string
	EncounterID   string
	SHA256        string // lowercase hex
	Size          int64
	ContentType   string
	ContentStatus string
	Deleted       bool
	// DeletedAt is when the record was deleted (zero when live).
	DeletedAt time.Time
}

// Content status values of a media record.
const (
	ContentAwaiting = "awaiting_content"
	ContentStored   = "stored"
)

// MediaFacts is what the EXIF checks compare: the photo's own EXIF and
// the position and time of its encounter. Nil means unknown.
type MediaFacts struct {
	HasExif     bool
	ExifTakenAt *time.Time
	ExifLat     *float64
	ExifLon     *float64
	EncAt       *time.Time
	EncLat      *float64
	EncLon      *float64
}

// ExifResult is what the server read from stored bytes.
type ExifResult struct {
	HasExif bool
	TakenAt *time.Time
	Lat     *float64
	Lon     *float64
}

// Upload is a resumable (tus) upload in progress.
type Upload struct {
	ID        string
	MediaID   string
	DeviceID  string
	Length    int64
	Offset    int64
	SHA256    string // lowercase hex of the whole file (Repr-Digest)
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Content is bytes to serve: seekable for Range requests.
type Content struct {
	Body        io.ReadSeekCloser
	Size        int64
	ModTime     time.Time
	ContentType string
}

// MediaRecords is the store's side of the media pipeline.
type MediaRecords interface {
	// MediaInfo returns a media record of the caller's scope. Errors:
	// not_found (absent or outside scope).
	MediaInfo(ctx context.Context, p Principal, id string) (MediaInfo, error)
	// MarkStored records that the bytes are stored and what their EXIF
	// says, as a server change; returns the record as pulled.
	MarkStored(ctx context.Context, id string, exif ExifResult) (json.RawMessage, error)
	// MediaRecord returns the pulled form of a media record.
	MediaRecord(ctx context.Context, id string) (json.RawMessage, error)
	// CreateUpload stores a new upload, or returns the one under way for
	// the media id (created=false).
	CreateUpload(ctx context.Context, u Upload) (got Upload, created bool, err error)
	// GetUpload returns an upload. Errors: not_found.
	GetUpload(ctx context.Context, id string) (Upload, error)
	// DeleteUpload forgets an upload.
	DeleteUpload(ctx context.Context, id string) error
	// ExpiredUploads lists uploads that expired before t.
	ExpiredUploads(ctx context.Context, t time.Time) ([]Upload, error)
	// ErasableMedia lists stored media deleted before t whose bytes are
	// still kept.
	ErasableMedia(ctx context.Context, t time.Time) ([]string, error)
	// MarkErased records that a deleted media record's bytes are gone.
	MarkErased(ctx context.Context, id string) error
	// OwnsObject reports whether a committed, stored media record owns
	// the bytes of media id.
	OwnsObject(ctx context.Context, id string) (bool, error)
	// Audit appends an entry to the audit log.
	Audit(ctx context.Context, p Principal, action, target, team string, details map[string]any) error
}

// Media is the media service the HTTP layer talks to (protocol §5).
type Media interface {
	// PutContent stores the whole file. created=false when it was already
	// stored. Errors: not_found, payload_too_large, unsupported_media_type,
	// digest_mismatch, image_too_large, storage_unavailable.
	PutContent(ctx context.Context, p Principal, id string, body io.Reader, size int64, digest string) (record json.RawMessage, created bool, err error)
	// CreateUpload starts (or finds) a resumable upload. Errors as PutContent.
	CreateUpload(ctx context.Context, p Principal, id string, length int64, reprDigest string) (Upload, error)
	// UploadStatus returns an upload's offset. Errors: not_found.
	UploadStatus(ctx context.Context, p Principal, id, uploadID string) (Upload, error)
	// PatchUpload appends bytes at offset; when the file is complete it is
	// checked and stored before returning. Errors: not_found,
	// offset_mismatch, and those of PutContent.
	PatchUpload(ctx context.Context, p Principal, id, uploadID string, offset int64, body io.Reader) (Upload, error)
	// DeleteUpload abandons an upload. Errors: not_found.
	DeleteUpload(ctx context.Context, p Principal, id, uploadID string) error
	// Derivative returns the thumbnail or preview JPEG. Errors: not_found,
	// storage_unavailable.
	Derivative(ctx context.Context, p Principal, id string, kind string) (Content, error)
	// Original returns the original bytes (uploading device, the team's
	// supervisors, admins), audited. Errors: not_found, storage_unavailable.
	Original(ctx context.Context, p Principal, id string) (Content, error)
	// Erase removes a purged photo's bytes at once. Errors:
	// storage_unavailable (the sweeper then removes them later).
	Erase(ctx context.Context, id string) error
}

// Derivative kinds.
const (
	Thumbnail = "thumbnail"
	Preview   = "preview"
)
