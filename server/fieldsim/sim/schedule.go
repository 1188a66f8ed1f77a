package sim

// patrolDays runs every day's patrols: the teams' phones act in turn,
// drawn at random, the server is killed and object storage goes down at
// the planned steps. After each patrol the officers come back to the
// office, sync, and the supervisors work their desk. Storage is up again
// when it returns.
func (w *world) patrolDays() {
	defer w.endOutage()
	killAt := w.planKills()
	steps := w.cfg.StepsPerPatrol * w.cfg.Teams
	for day := range w.cfg.Days {
		for k := range w.cfg.PatrolsPerDay {
			w.vals.now = simTime(day, k, 0)
			w.startPatrol()
			for s := range steps {
				if w.ctx.Err() != nil {
					return
				}
				w.vals.now = simTime(day, k, s/w.cfg.Teams)
				t := w.teams[w.rng.IntN(len(w.teams))]
				p := t.phones[w.rng.IntN(len(t.phones))]
				w.storageStep()
				w.act(p)
				if killAt[w.step] {
					w.killPlanned()
				}
				w.step++
				w.progress.update(w)
			}
			w.vals.now = simTime(day, k, steps/w.cfg.Teams)
			w.endPatrol()
		}
	}
}

// planKills draws the steps after which the server dies.
func (w *world) planKills() map[int]bool {
	total := w.cfg.totalSteps()
	out := map[int]bool{}
	for _, s := range w.rng.Perm(total)[:min(w.cfg.Kills, total)] {
		out[s] = true
	}
	return out
}

// kill crashes the server now, or (with faults on, more often than not)
// arms a kill for the next request a phone sends.
func (w *world) kill() {
	if w.cfg.Faults && w.rng.Float64() < 0.6 {
		w.ctl.Arm()
		w.logf("a kill is armed for the next request")
		return
	}
	w.stats.killsBetween++
	w.logf("the server is killed between requests")
	if err := w.ctl.KillRestart(); err != nil {
		w.note("restart after kill: %v", err)
	}
}

// startPatrol sends every team out: the lead phone opens a patrol record,
// and some phones go the whole patrol without signal.
func (w *world) startPatrol() {
	steps := w.cfg.StepsPerPatrol * w.cfg.Teams
	for _, t := range w.teams {
		lead := t.phones[w.rng.IntN(len(t.phones))]
		r := &rec{coll: "patrols", id: newUUID(w.rng), creator: lead.idx}
		pl := w.vals.place()
		officers := []string{}
		for _, p := range t.phones {
			officers = append(officers, p.username)
		}
		f := map[string]any{"started_at": w.vals.now, "area": pl.area, "route_description": pick(w.rng, routes),
			"officers": officers, "joint_agencies": w.vals.field("patrols", "joint_agencies")}
		if w.upsert(lead, r.coll, r.id, f, r) != "" {
			t.patrol = r
		}
		for _, p := range t.phones {
			if w.rng.Float64() < 0.2 {
				p.offlineUntil = w.step + steps
				w.stats.offline++
				w.logf("%s goes the whole patrol without signal", p.username)
			}
		}
	}
}

// endPatrol closes the patrols, brings most phones back to the office's
// Wi-Fi to sync, and lets the supervisors work.
func (w *world) endPatrol() {
	for _, t := range w.teams {
		if t.patrol != nil {
			lead := w.phones[t.patrol.creator]
			w.upsert(lead, "patrols", t.patrol.id, map[string]any{"ended_at": w.vals.now, "notes": w.vals.field("patrols", "notes")}, nil)
			t.patrol = nil
		}
	}
	for _, i := range w.rng.Perm(len(w.phones)) {
		p := w.phones[i]
		if w.rng.Float64() < 0.15 {
			w.logf("%s stays off the network after the patrol", p.username)
			continue
		}
		p.offlineUntil = w.step
		w.sync(p)
	}
	for _, t := range w.teams {
		w.officeWork(t)
		w.chooseFocus(t)
		w.paperwork(t)
	}
	w.progress.update(w)
}

// paperwork is what officers add at the office after a patrol:
// assessments of the persons met and the interventions that follow. It
// reaches the server with the phone's next sync.
func (w *world) paperwork(t *team) {
	for _, p := range t.phones {
		if w.rng.Float64() < 0.3 {
			w.actAssessment(p)
			w.stats.actions["assessment"]++
		}
		if w.rng.Float64() < 0.2 {
			w.actIntervention(p)
			w.stats.actions["intervention"]++
		}
	}
}

// chooseFocus picks the team's follow-up cases for the next patrol: a few
// recent encounters and persons the team has on record.
func (w *world) chooseFocus(t *team) {
	t.focus = nil
	for _, coll := range []string{"encounters", "persons"} {
		var recent []*rec
		for i := len(t.records) - 1; i >= 0 && len(recent) < 8; i-- {
			if t.records[i].coll == coll {
				recent = append(recent, t.records[i])
			}
		}
		for _, i := range w.rng.Perm(len(recent))[:min(len(recent), 3)] {
			t.focus = append(t.focus, recent[i])
		}
	}
}
