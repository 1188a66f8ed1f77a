package office

import "encoding/json"

// ConflictSide is one of the two writes of a conflict.
type ConflictSide struct {
	Value    json.RawMessage `json:"value"`
	HLC      string          `json:"hlc"`
	DeviceID string          `json:"device_id"`
	UserID   string          `json:"user_id"`
	User     string          `json:"user"`
	At       string          `json:"at"`
}

// Record is a record as a pull carries it.
type Record struct {
	Collection string          `json:"collection"`
	ID         string          `json:"id"`
	Deleted    bool            `json:"deleted"`
	Fields     json.RawMessage `json:"fields,omitempty"`
	HLC        string          `json:"hlc"`
}

// Conflict is a conflict as GET /v1/admin/conflicts lists it.
type Conflict struct {
	ID         string          `json:"id"`
	TeamID     string          `json:"team_id"`
	Collection string          `json:"collection"`
	RecordID   string          `json:"record_id"`
	Field      string          `json:"field,omitempty"`
	Kind       string          `json:"kind"`
	Status     string          `json:"status"`
	Current    ConflictSide    `json:"current"`
	Other      ConflictSide    `json:"other"`
	Resolution string          `json:"resolution,omitempty"`
	Value      json.RawMessage `json:"value,omitempty"`
	Record     Record          `json:"record"`
}

// Resolution is a decision on a conflict.
type Resolution struct {
	Resolution string          `json:"resolution"`
	Value      json.RawMessage `json:"value,omitempty"`
	Note       string          `json:"note,omitempty"`
}

// MediaItem is a stored photo in the review queue.
type MediaItem struct {
	ID           string   `json:"id"`
	TeamID       string   `json:"team_id"`
	ReviewStatus string   `json:"review_status"`
	Flags        []string `json:"flags"`
}

// RejectedChange is a change the server rejected and kept.
type RejectedChange struct {
	OpID     string `json:"op_id"`
	DeviceID string `json:"device_id"`
	Error    struct {
		Code string `json:"code"`
	} `json:"error"`
}

// page is the paging envelope of admin lists.
type page[T any] struct {
	Items   []T    `json:"items"`
	Cursor  string `json:"cursor"`
	HasMore bool   `json:"has_more"`
}

// apiError is the body of every error answer.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}
