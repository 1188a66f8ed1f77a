package sim

import "sort"

// action is one thing an officer can do with the phone.
type action struct {
	name   string
	weight int
	do     func(w *world, p *phone) bool
}

// actions are drawn by weight; one that cannot be done (nothing to edit
// yet) falls back to recording a new encounter.
var actions = []action{
	{"sync", 13, (*world).actSync},
	{"encounter", 20, (*world).actEncounter},
	{"photo", 10, (*world).actPhoto},
	{"edit_encounter", 18, (*world).actEditEncounter},
	{"edit_person", 6, (*world).actEditPerson},
	{"assessment", 4, (*world).actAssessment},
	{"intervention", 5, (*world).actIntervention},
	{"delete", 4, (*world).actDelete},
	{"caption", 3, (*world).actCaption},
	{"invalid_edit", 1, (*world).actInvalid},
	{"signal", 4, (*world).actSignal},
	{"edit_patrol", 2, (*world).actEditPatrol},
	{"handover", 3, (*world).actHandover},
}

// act draws and performs one action of a phone.
func (w *world) act(p *phone) {
	total := 0
	for _, a := range actions {
		total += a.weight
	}
	n := w.rng.IntN(total)
	for _, a := range actions {
		if n -= a.weight; n < 0 {
			if !a.do(w, p) {
				a = actions[1]
				a.do(w, p)
			}
			w.stats.actions[a.name]++
			return
		}
	}
}

// upsert records a local edit and registers a new record.
func (w *world) upsert(p *phone, coll, id string, fields map[string]any, created *rec) string {
	op, err := p.c.Upsert(coll, id, fields)
	if err != nil {
		w.note("%s: upsert %s/%s: %v", p.username, coll, id, err)
		return ""
	}
	if created != nil {
		p.team.records = append(p.team.records, created)
	}
	w.logf("%s upsert %s/%s %v", p.username, coll, id[:8], sortedKeys(fields))
	return op
}

// known returns up to n records of a collection that the phone shows and
// that are not deleted, newest first.
func (w *world) known(p *phone, coll string, n int) []*rec {
	var out []*rec
	rs := p.team.records
	for i := len(rs) - 1; i >= 0 && len(out) < n; i-- {
		r := rs[i]
		if r.coll != coll {
			continue
		}
		_, deleted, found, err := p.c.Record(coll, r.id)
		if err == nil && found && !deleted {
			out = append(out, r)
		}
	}
	return out
}

// pickKnown picks one of the phone's most recent records of a collection,
// so that edits crowd onto the same records, as they do in the field.
func (w *world) pickKnown(p *phone, coll string) *rec {
	rs := w.known(p, coll, 10)
	if len(rs) == 0 {
		return nil
	}
	return rs[w.rng.IntN(len(rs))]
}

func (w *world) actSync(p *phone) bool {
	if !w.online(p) {
		return false
	}
	w.sync(p)
	return true
}

// actSignal loses the signal for a while, or finds it again.
func (w *world) actSignal(p *phone) bool {
	if w.online(p) {
		p.offlineUntil = w.step + 10 + w.rng.IntN(40)
		w.stats.offline++
		w.logf("%s loses signal until step %d", p.username, p.offlineUntil)
	} else {
		p.offlineUntil = w.step
		w.logf("%s has signal again", p.username)
	}
	return true
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
