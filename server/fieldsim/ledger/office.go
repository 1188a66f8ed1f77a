package ledger

import (
	"net/http"
	"strings"

	"urcsync/server/fieldsim/model"
	"urcsync/syncproto"
)

// ConflictFor returns the model's conflict that the server reported under
// id in a push answer, or nil.
func (l *Ledger) ConflictFor(id string) *model.Conflict {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.conflictByID[strings.ToLower(id)]
}

// Predict returns the answer the model expects to a resolution of the
// conflict with the given id: 200, or 409 with conflict_stale or
// already_resolved. known is false for a conflict no push answer reported.
func (l *Ledger) Predict(id, choice string, previous string) (status int, code string, known bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.conflictByID[strings.ToLower(id)]
	if c == nil {
		return 0, "", false
	}
	switch {
	case c.Status == model.Resolved && previous == choice:
		return http.StatusOK, "", true
	case c.Status == model.Resolved:
		return http.StatusConflict, syncproto.CodeAlreadyResolved, true
	case l.model.Stale(c):
		return http.StatusConflict, syncproto.CodeConflictStale, true
	}
	return http.StatusOK, "", true
}

// Resolved records a resolution the server accepted for the first time,
// with the writes it made: for keep_current none; otherwise the chosen
// value (or, for a record-level conflict, a restore and the edit's
// fields) stamped hlc, the stamp the record carried right after.
func (l *Ledger) Resolved(id, choice string, custom string, hlc string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.conflictByID[strings.ToLower(id)]
	if c == nil {
		return
	}
	l.model.MarkResolved(c)
	if choice == "keep_current" {
		return
	}
	l.checkServerStamp("resolution of conflict "+id, hlc)
	if c.Field == "" {
		fields, err := objectFields(c.Other.JSON)
		if err != nil {
			l.anomaly("model", "record-level conflict %s: other side %s is not an object", id, c.Other.JSON)
			return
		}
		restore := model.Write{Collection: c.Collection, ID: c.RecordID, Kind: model.Restore,
			SentHLC: justBelow(hlc), HLC: justBelow(hlc), Device: model.ServerDevice}
		l.serverWrite(restore, "restore by resolution of "+id)
		l.serverWrite(model.Write{Collection: c.Collection, ID: c.RecordID, Kind: model.Upsert, Fields: fields,
			SentHLC: hlc, HLC: hlc, Device: model.ServerDevice}, "edit by resolution of "+id)
		return
	}
	value := c.Other.JSON
	if choice == "custom" {
		value = custom
	}
	l.serverWrite(model.Write{Collection: c.Collection, ID: c.RecordID, Kind: model.Upsert,
		Fields: map[string]string{c.Field: value}, SentHLC: hlc, HLC: hlc, Device: model.ServerDevice},
		"resolution of "+id)
}

func (l *Ledger) serverWrite(w model.Write, reason string) {
	l.pos++
	l.event(-1)
	w.Pos, w.Base = l.pos, l.pos
	out := l.model.Apply(w)
	if len(out.Conflicts) > 0 || len(out.Superseded) > 0 {
		l.anomaly("model", "server write (%s) conflicted in the model: %+v", reason, out)
	}
	l.maxApplied = max(l.maxApplied, w.HLC)
	l.serverWrites = append(l.serverWrites, ServerWrite{Pos: l.pos, Write: w, Reason: reason})
}

// AddResolution records a resolution attempt and its answer.
func (l *Ledger) AddResolution(r Resolution) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.resolutions = append(l.resolutions, r)
}

// AddReview records a review decision and its answer.
func (l *Ledger) AddReview(r Review) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reviews = append(l.reviews, r)
}

// justBelow returns the stamp immediately below a server stamp: the
// restore of a record-level resolution is written just before its edit,
// with the server's previous stamp. The model uses it as the restore's
// stamp; only a phone stamp in the same millisecond and counter as the
// restore could tell the difference.
func justBelow(hlc string) string {
	h, err := syncproto.ParseHLC(hlc)
	if err != nil {
		return hlc
	}
	if h.Counter > 0 {
		h.Counter--
	} else {
		h.Millis--
		h.Counter = syncproto.MaxCounter
	}
	return h.String()
}
