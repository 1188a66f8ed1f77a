package sim

import (
	"time"

	"urcsync/mobile-contract/client"
)

func (w *world) newPerson(p *phone) *rec {
	r := &rec{coll: "persons", id: newUUID(w.rng), creator: p.idx}
	f := map[string]any{"category": w.vals.field("persons", "category"), "sex": w.vals.field("persons", "sex"),
		"estimated_age": w.vals.field("persons", "estimated_age"), "origin": w.vals.field("persons", "origin")}
	if w.rng.IntN(2) == 0 {
		f["name"] = w.vals.field("persons", "name")
	} else {
		f["alias"] = w.vals.field("persons", "alias")
	}
	if w.upsert(p, r.coll, r.id, f, r) == "" {
		return nil
	}
	return r
}

func (w *world) actEncounter(p *phone) bool {
	pl := w.vals.place()
	lat, lon := w.vals.near(pl)
	r := &rec{coll: "encounters", id: newUUID(w.rng), creator: p.idx, place: pl}
	f := map[string]any{"occurred_at": w.vals.now, "lat": lat, "lon": lon, "accuracy_m": w.vals.field(r.coll, "accuracy_m"),
		"place_description": pl.name, "category": w.vals.field(r.coll, "category"), "sex": w.vals.field(r.coll, "sex"),
		"estimated_age": w.vals.field(r.coll, "estimated_age"), "condition": w.vals.field(r.coll, "condition"),
		"needs": w.vals.field(r.coll, "needs"), "action_taken": w.vals.field(r.coll, "action_taken")}
	if t := p.team.patrol; t != nil {
		f["patrol_id"] = t.id
	}
	var person *rec
	switch u := w.rng.Float64(); {
	case u < 0.35:
		person = w.pickKnown(p, "persons")
	case u < 0.8:
		person = w.newPerson(p)
	}
	if person != nil {
		f["person_id"] = person.id
		f["alias"] = w.vals.field(r.coll, "alias")
	}
	return w.upsert(p, r.coll, r.id, f, r) != ""
}

func (w *world) actPhoto(p *phone) bool {
	enc := w.pickKnown(p, "encounters")
	if enc == nil {
		return false
	}
	name, refused := pick(w.rng, photoFiles), false
	switch u := w.rng.IntN(100); {
	case u < 4:
		name, refused = refusedFile, true
	case u < 7 && p.link.Bandwidth == 0:
		name = bigFile
	}
	fx := w.fixtures[name]
	taken, _ := time.Parse(time.RFC3339, w.vals.now)
	lat, lon := w.vals.near(enc.place)
	if enc.place.name == "" {
		lat, lon = w.vals.near(w.vals.place())
	}
	id, err := p.c.AddPhoto(enc.id, fx.path, client.PhotoMeta{TakenAt: &taken, Lat: &lat, Lon: &lon,
		Caption: pick(w.rng, captions)})
	if err != nil {
		w.note("%s: add photo: %v", p.username, err)
		return false
	}
	p.team.records = append(p.team.records, &rec{coll: "media", id: id, creator: p.idx, place: enc.place})
	w.photos = append(w.photos, &photo{mediaID: id, file: name, sha256: fx.sha256, size: fx.size, phone: p.idx, refused: refused})
	w.logf("%s photo %s on encounter %s", p.username, name, enc.id[:8])
	return true
}

func (w *world) actAssessment(p *phone) bool {
	person := w.pickKnown(p, "persons")
	if person == nil {
		return false
	}
	if w.rng.IntN(3) == 0 {
		if a := w.pickKnown(p, "assessments"); a != nil {
			return w.upsert(p, a.coll, a.id, w.vals.edit(a.coll), nil) != ""
		}
	}
	r := &rec{coll: "assessments", id: newUUID(w.rng), creator: p.idx}
	f := map[string]any{"person_id": person.id, "assessed_at": w.vals.now, "needs": w.vals.field(r.coll, "needs"),
		"risks": w.vals.field(r.coll, "risks"), "recommendation": w.vals.field(r.coll, "recommendation")}
	if enc := w.pickKnown(p, "encounters"); enc != nil {
		f["encounter_id"] = enc.id
	}
	return w.upsert(p, r.coll, r.id, f, r) != ""
}

func (w *world) actIntervention(p *phone) bool {
	if w.rng.IntN(2) == 0 {
		if iv := w.pickKnown(p, "interventions"); iv != nil {
			return w.upsert(p, iv.coll, iv.id, w.vals.edit(iv.coll), nil) != ""
		}
	}
	person := w.pickKnown(p, "persons")
	if person == nil {
		return false
	}
	r := &rec{coll: "interventions", id: newUUID(w.rng), creator: p.idx}
	f := map[string]any{"person_id": person.id, "type": pick(w.rng, []string{"shelter_placement", "literacy_programme",
		"skills_training", "medical_referral", "aid_distribution", "family_support"}),
		"status": "planned", "started_at": w.vals.now}
	return w.upsert(p, r.coll, r.id, f, r) != ""
}
