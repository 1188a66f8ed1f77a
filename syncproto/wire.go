package syncproto

import "encoding/json"

// LoginRequest is the body of POST /v1/auth/login.
type LoginRequest struct {
	Username   string `json:"username"`
	Password   string `json:"password"`
	DeviceID   string `json:"device_id"`
	DeviceName string `json:"device_name"`
}

// LoginResponse is the answer to a successful login.
type LoginResponse struct {
	Token    string `json:"token"`
	User     User   `json:"user"`
	DeviceID string `json:"device_id"`
}

// User is a user as the API shows it.
type User struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	Role     string `json:"role"`
	TeamID   string `json:"team_id"`
}

// PushRequest is the body of POST /v1/sync/push.
type PushRequest struct {
	DeviceID string   `json:"device_id"`
	SentAt   string   `json:"sent_at,omitempty"`
	Changes  []Change `json:"changes"`
}

// Change is one entry of a phone's change log.
type Change struct {
	OpID       string                     `json:"op_id"`
	Collection string                     `json:"collection"`
	ID         string                     `json:"id"`
	Kind       string                     `json:"kind"`
	Fields     map[string]json.RawMessage `json:"fields,omitempty"`
	HLC        string                     `json:"hlc"`
	BaseCursor string                     `json:"base_cursor"`
}

// PushResponse answers a push: one result per change, in order.
type PushResponse struct {
	Results   []PushResult `json:"results"`
	ServerHLC string       `json:"server_hlc"`
}

// PushResult is the server's verdict on one change.
type PushResult struct {
	OpID       string        `json:"op_id"`
	Status     string        `json:"status"`
	Error      *ChangeError  `json:"error,omitempty"`
	Conflicts  []ConflictRef `json:"conflicts,omitempty"`
	Superseded []string      `json:"superseded,omitempty"`
	Restamped  string        `json:"restamped,omitempty"`
}

// ChangeError says why a change was rejected.
type ChangeError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// ConflictRef names a conflict a change took part in. Field is empty for
// record-level conflicts (edit_on_deleted, delete_over_edit).
type ConflictRef struct {
	Field      string `json:"field,omitempty"`
	ConflictID string `json:"conflict_id"`
	Kind       string `json:"kind"`
}

// PullResponse is the answer to GET /v1/sync/pull. The server writes its
// members in this order, the page's position first, so that a phone can
// ask for the next page (ReadPullHead) before it has read the records.
type PullResponse struct {
	Cursor    string         `json:"cursor"`
	HasMore   bool           `json:"has_more"`
	ServerHLC string         `json:"server_hlc"`
	Changes   []RecordChange `json:"changes"`
}

// RecordChange is one record in its latest state. Fields is the whole
// record as a JSON object (absent for tombstones).
type RecordChange struct {
	Collection string          `json:"collection"`
	ID         string          `json:"id"`
	Deleted    bool            `json:"deleted"`
	Fields     json.RawMessage `json:"fields,omitempty"`
	HLC        string          `json:"hlc"`
}

// FieldMap decodes Fields into a map of raw values.
func (r RecordChange) FieldMap() (map[string]json.RawMessage, error) {
	m := map[string]json.RawMessage{}
	if len(r.Fields) == 0 {
		return m, nil
	}
	err := json.Unmarshal(r.Fields, &m)
	return m, err
}

// ErrorBody is the body of every error response.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the content of an error response.
type ErrorDetail struct {
	Code    string         `json:"code"`
	Message string         `json:"message"`
	Details map[string]any `json:"details,omitempty"`
}
