package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"

	"urcsync/server/fieldsim/ledger"
	"urcsync/server/fieldsim/model"
	"urcsync/server/fieldsim/office"
)

// officeWork is a supervisor's turn at the desk: resolve a few open
// conflicts of the team and review a few photos.
func (w *world) officeWork(t *team) {
	open, err := t.supervisor.Conflicts(w.ctx, "open")
	if err != nil {
		w.note("%s: list conflicts: %v", t.supervisor.User.Username, err)
		return
	}
	sort.Slice(open, func(i, j int) bool { return open[i].ID < open[j].ID })
	n := min(len(open), 1+w.rng.IntN(3))
	for _, i := range w.rng.Perm(len(open))[:n] {
		w.resolve(t, open[i])
	}
	items, err := t.supervisor.MediaForReview(w.ctx, "pending")
	if err != nil {
		w.note("%s: list photos: %v", t.supervisor.User.Username, err)
		return
	}
	sort.Slice(items, func(i, j int) bool { return items[i].ID < items[j].ID })
	n = min(len(items), w.rng.IntN(3))
	for _, i := range w.rng.Perm(len(items))[:n] {
		w.review(t, items[i].ID, pick(w.rng, []string{"approved", "approved", "rejected", "needs_retake"}))
	}
}

func (w *world) review(t *team, id, decision string) {
	st, code, err := t.supervisor.Review(w.ctx, id, decision, "diperiksa "+t.supervisor.User.Username)
	if err != nil {
		w.note("review %s: %v", id, err)
		return
	}
	w.led.AddReview(ledger.Review{MediaID: id, Decision: decision, Status: st})
	w.stats.actions["review"]++
	w.logf("%s reviews photo %s: %s → %d %s", t.supervisor.User.Username, id[:8], decision, st, code)
}

// resolve decides one conflict, sometimes sending the decision twice (a
// double click) or changing its mind afterwards.
func (w *world) resolve(t *team, c office.Conflict) {
	choices := []string{"keep_current", "use_other", "custom"}
	if c.Field == "" {
		choices = []string{"keep_current", "use_other"}
	} else if !freeText[c.Field] {
		choices = []string{"keep_current", "use_other", "use_other"}
	}
	choice := pick(w.rng, choices)
	res := office.Resolution{Resolution: choice, Note: "diputuskan di kantor"}
	custom := ""
	if choice == "custom" {
		b, _ := json.Marshal(fmt.Sprintf("%v (disepakati)", w.vals.field(c.Collection, c.Field)))
		res.Value = b
		custom, _ = model.Canonical(b)
	}
	st := w.sendResolution(t, c, res, custom, "", false)
	if st != http.StatusOK {
		return
	}
	switch u := w.rng.Float64(); {
	case u < 0.25:
		w.sendResolution(t, c, res, custom, choice, true)
	case u < 0.35:
		other := office.Resolution{Resolution: "keep_current"}
		if choice == "keep_current" {
			other.Resolution = "use_other"
		}
		w.sendResolution(t, c, other, "", choice, true)
	}
}

// sendResolution posts a resolution, checks it against the model's
// prediction later (in the verdict), and applies an accepted first
// resolution's write to the model.
func (w *world) sendResolution(t *team, c office.Conflict, res office.Resolution, custom, previous string, repeat bool) int {
	want, wantCode, known := w.led.Predict(c.ID, res.Resolution, previous)
	st, code, answer, err := t.supervisor.Resolve(w.ctx, c.ID, res)
	if err != nil {
		w.note("resolve %s: %v", c.ID, err)
		return 0
	}
	w.led.AddResolution(ledger.Resolution{ConflictID: c.ID, Choice: res.Resolution, Repeat: repeat,
		Predicted: want, PredictedCode: wantCode, Status: st, Code: code, Known: known})
	w.stats.actions["resolve"]++
	w.logf("%s resolves %s (%s %s) with %s → %d %s (model: %d %s)", t.supervisor.User.Username, c.ID[:8],
		c.Kind, c.Field, res.Resolution, st, code, want, wantCode)
	if st == http.StatusOK && !repeat {
		w.led.Resolved(c.ID, res.Resolution, custom, answer.Record.HLC)
	}
	return st
}
