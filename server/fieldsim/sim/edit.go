package sim

// pickFocus picks one of the team's follow-up cases of a collection that
// the phone shows, or nil.
func (w *world) pickFocus(p *phone, coll string) *rec {
	var rs []*rec
	for _, r := range p.team.focus {
		if r.coll != coll {
			continue
		}
		if _, deleted, found, err := p.c.Record(coll, r.id); err == nil && found && !deleted {
			rs = append(rs, r)
		}
	}
	if len(rs) == 0 {
		return nil
	}
	return rs[w.rng.IntN(len(rs))]
}

func (w *world) editKnown(p *phone, coll string) bool {
	var r *rec
	if w.rng.Float64() < 0.7 {
		r = w.pickFocus(p, coll)
	}
	if r == nil {
		r = w.pickKnown(p, coll)
	}
	if r == nil {
		return false
	}
	return w.upsert(p, coll, r.id, w.vals.edit(coll), nil) != ""
}

func (w *world) actEditEncounter(p *phone) bool { return w.editKnown(p, "encounters") }
func (w *world) actEditPerson(p *phone) bool    { return w.editKnown(p, "persons") }
func (w *world) actCaption(p *phone) bool       { return w.editKnown(p, "media") }
func (w *world) actEditPatrol(p *phone) bool    { return w.editKnown(p, "patrols") }

// actDelete deletes a record entered by mistake. An officer deletes only
// their own photos, and only once the phone has sent every photo: the
// reference client keeps a queued photo whose record is deleted waiting
// for ever.
func (w *world) actDelete(p *phone) bool {
	coll := pick(w.rng, []string{"encounters", "encounters", "persons", "assessments", "interventions", "media", "media"})
	var r *rec
	if coll == "media" {
		if n, err := p.c.PendingPhotos(); err != nil || n > 0 {
			return false
		}
		for _, m := range w.known(p, coll, 6) {
			if m.creator == p.idx && w.led.Stored(m.id) {
				r = m
				break
			}
		}
	} else {
		if w.rng.Float64() < 0.3 {
			r = w.pickFocus(p, coll)
		}
		if r == nil {
			r = w.pickKnown(p, coll)
		}
	}
	if r == nil {
		return false
	}
	if _, err := p.c.Delete(r.coll, r.id); err != nil {
		w.note("%s: delete %s/%s: %v", p.username, r.coll, r.id, err)
		return false
	}
	w.logf("%s delete %s/%s", p.username, r.coll, r.id[:8])
	return true
}

// actInvalid records an impossible age: the server must reject it and
// keep it, and the phone must show it to the officer.
func (w *world) actInvalid(p *phone) bool {
	r := w.pickKnown(p, "encounters")
	if r == nil {
		return false
	}
	op := w.upsert(p, r.coll, r.id, map[string]any{"estimated_age": 300 + w.rng.IntN(100)}, nil)
	if op != "" {
		w.intended[op] = "invalid_field"
	}
	return op != ""
}

// actHandover is two officers passing a case on: the phone edits a case
// and sends it, a teammate's phone refreshes (pull only) and edits the same
// fields. The teammate saw the first edit, so the server must not record a
// conflict between the two (unless the teammate had an older unsent edit
// of the same field, which keeps its older base).
func (w *world) actHandover(p *phone) bool {
	if !w.online(p) || len(p.team.phones) < 2 {
		return false
	}
	mate := p.team.phones[w.rng.IntN(len(p.team.phones))]
	if mate == p || !w.online(mate) {
		return false
	}
	r := w.pickFocus(p, "encounters")
	if r == nil {
		r = w.pickKnown(p, "encounters")
	}
	if r == nil {
		return false
	}
	fields := w.vals.edit(r.coll)
	if w.upsert(p, r.coll, r.id, fields, nil) == "" {
		return false
	}
	rep, err := p.c.Push(w.ctx)
	w.led.Told(rep.Results)
	w.settle(p)
	if err != nil {
		w.syncFailed(p, "push", err)
		return true
	}
	if _, err := mate.c.Pull(w.ctx); err != nil {
		w.syncFailed(mate, "pull", err)
		return true
	}
	if _, deleted, found, err := mate.c.Record(r.coll, r.id); err != nil || !found || deleted {
		return true
	}
	again := map[string]any{}
	for f := range fields {
		again[f] = w.vals.field(r.coll, f)
	}
	w.upsert(mate, r.coll, r.id, again, nil)
	return true
}
