package ledger

import (
	"encoding/json"
	"sort"

	"urcsync/server/fieldsim/model"
	"urcsync/syncproto"
)

// Snapshot is a copy of the ledger for the verdict.
type Snapshot struct {
	Model        *model.Model
	Phones       []Phone
	Changes      map[string]*Change
	Commits      []*Commit
	ByOp         map[string]*Commit
	Results      map[string][]syncproto.PushResult
	Rejected     map[string]syncproto.ChangeError
	Told         map[string]syncproto.PushResult
	ConflictByID map[string]*model.Conflict
	ServerWrites []ServerWrite
	Resolutions  []Resolution
	Reviews      []Review
	Stored       map[string]UploadStored
	Anomalies    []Anomaly
	Pushes       int
	Pulls        int
}

// Snapshot returns the ledger's content. The model is shared, not copied:
// take the snapshot once the simulation is over.
func (l *Ledger) Snapshot() *Snapshot {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := &Snapshot{Model: l.model, Phones: l.phones, Changes: l.changes, Commits: l.commits, ByOp: l.byOp,
		Results: l.results, Rejected: l.rejected, Told: l.told, ConflictByID: l.conflictByID,
		ServerWrites: l.serverWrites, Resolutions: l.resolutions, Reviews: l.reviews, Stored: l.stored,
		Anomalies: append([]Anomaly(nil), l.anomalies...), Pushes: l.pushes, Pulls: l.pulls}
	return s
}

// Counts sums up the ledger for progress displays.
type Counts struct {
	Commits, Rejected, Conflicts, Stored int
}

// Counts returns running totals.
func (l *Ledger) Counts() Counts {
	l.mu.Lock()
	defer l.mu.Unlock()
	return Counts{Commits: len(l.commits), Rejected: len(l.rejected), Conflicts: len(l.model.Conflicts()), Stored: len(l.stored)}
}

// objectFields splits a canonical JSON object into canonical field values.
func objectFields(obj string) (map[string]string, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(obj), &m); err != nil {
		return nil, err
	}
	out := make(map[string]string, len(m))
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		c, err := model.Canonical(m[k])
		if err != nil {
			return nil, err
		}
		out[k] = c
	}
	return out, nil
}
