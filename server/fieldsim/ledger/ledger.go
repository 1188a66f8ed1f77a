package ledger

import (
	"sync"
	"time"

	"urcsync/server/fieldsim/model"
	"urcsync/syncproto"
)

// Ledger is the record of everything the server answered. It is safe for
// concurrent use.
type Ledger struct {
	mu sync.Mutex

	model  *model.Model
	phones []Phone
	// pos is the logical position of the last commit; events counts
	// every ordered event and own the events of each phone.
	pos    int64
	events int64
	own    map[int]int64

	changes  map[string]*Change
	commits  []*Commit
	byOp     map[string]*Commit
	results  map[string][]syncproto.PushResult
	applied  map[string]int
	rejected map[string]syncproto.ChangeError
	told     map[string]syncproto.PushResult
	cursors  map[string]int64

	conflictByID map[string]*model.Conflict
	serverWrites []ServerWrite
	resolutions  []Resolution
	reviews      []Review

	mediaSize map[string]int64
	stored    map[string]UploadStored

	anomalies []Anomaly
	// maxApplied is the highest stamp applied so far; answers records
	// the server_hlc of recent answers.
	maxApplied string
	answers    []hlcAt

	pushes, pulls int
}

type hlcAt struct {
	at  time.Time
	hlc string
}

// New returns an empty ledger for the given phones.
func New(phones []Phone) *Ledger {
	return &Ledger{
		model: model.New(), phones: phones, own: map[int]int64{},
		changes: map[string]*Change{}, byOp: map[string]*Commit{}, results: map[string][]syncproto.PushResult{},
		applied: map[string]int{}, rejected: map[string]syncproto.ChangeError{}, told: map[string]syncproto.PushResult{},
		cursors: map[string]int64{}, conflictByID: map[string]*model.Conflict{},
		mediaSize: map[string]int64{}, stored: map[string]UploadStored{},
	}
}

// event places one ordered event; phone is -1 for the office.
func (l *Ledger) event(phone int) {
	l.events++
	if phone >= 0 {
		l.own[phone]++
	}
}

// foreign counts the events that were not the phone's own.
func (l *Ledger) foreign(phone int) int64 { return l.events - l.own[phone] }

func (l *Ledger) anomaly(kind, format string, args ...any) {
	l.anomalies = append(l.anomalies, Anomaly{Kind: kind, Detail: sprintf(format, args...)})
}

// Position returns the logical position of the last commit.
func (l *Ledger) Position() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.pos
}

// Told records the answers a phone's client reported from a push: what the
// phone was told.
func (l *Ledger) Told(results []syncproto.PushResult) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, r := range results {
		if r.Status == syncproto.StatusApplied || r.Status == syncproto.StatusDuplicate {
			l.told[r.OpID] = r
		}
	}
}

// Unsettled reports whether a change of the phone was in a push request
// that the server was killed under and has had no answer since: it may or
// may not have been committed.
func (l *Ledger) Unsettled(phone int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for op, c := range l.changes {
		if c.Phone != phone || !c.risky {
			continue
		}
		if _, done := l.byOp[op]; done {
			continue
		}
		if _, rej := l.rejected[op]; rej {
			continue
		}
		return true
	}
	return false
}

// Stored reports whether the server said it stored the photo's bytes.
func (l *Ledger) Stored(mediaID string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, ok := l.stored[mediaID]
	return ok
}
