package ledger

import (
	"time"

	"urcsync/server/fieldsim/model"
	"urcsync/syncproto"
)

// Phone is one simulated phone as the ledger knows it.
type Phone struct {
	Index    int
	DeviceID string
	UserID   string
	Username string
	Team     string
}

// Change is a change as first seen in a push request.
type Change struct {
	syncproto.Change
	Phone int
	// Fields are the values in canonical JSON.
	Fields map[string]string
	// FirstSent is when a request first carried it.
	FirstSent time.Time
	// risky is set once a request carrying the change was in flight when
	// the server was killed; riskForeign is the phone's foreign event
	// count at that moment.
	risky       bool
	riskForeign int64
}

// Commit is a change the server applied, placed in commit order.
type Commit struct {
	Pos   int64
	OpID  string
	Phone int
	Write model.Write
	// Result is the first answer read for the change.
	Result  syncproto.PushResult
	Outcome model.Outcome
	// WallLo and WallHi bound the server's wall clock when it applied
	// the change.
	WallLo, WallHi time.Time
	// BaseUnknown is set when the change's base_cursor was never seen in
	// a pull answer.
	BaseUnknown bool
	// OrderUncertain is set when the commit's place in the order could
	// not be fixed exactly.
	OrderUncertain bool
	// UnmatchedServer lists the conflicts the answer reported that the
	// model did not predict; UnmatchedModel the reverse.
	UnmatchedServer []syncproto.ConflictRef
	UnmatchedModel  []*model.Conflict
}

// ServerWrite is a write the office caused (a resolution), placed in
// commit order.
type ServerWrite struct {
	Pos    int64
	Write  model.Write
	Reason string
}

// Anomaly is a breach of the protocol seen while observing.
type Anomaly struct {
	Kind   string `json:"kind"`
	Detail string `json:"detail"`
}

// Resolution is one supervisor decision and what the model predicted.
type Resolution struct {
	ConflictID string
	Choice     string
	// Repeat marks a resend of an earlier successful resolution.
	Repeat bool
	// Predicted is the status the model expects (200 or 409) and
	// PredictedCode the error code for a refusal.
	Predicted     int
	PredictedCode string
	Status        int
	Code          string
	// Known is false when the conflict was never reported in a push
	// answer, so no prediction could be made.
	Known bool
}

// Review is one photo review decision.
type Review struct {
	MediaID  string
	Decision string
	Status   int
}

// UploadStored is a photo the server said it stored.
type UploadStored struct {
	MediaID string
	Phone   int
	At      time.Time
}
