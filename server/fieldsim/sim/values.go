package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// calendarStart is the first morning of the simulated patrols (08:00 WIB).
var calendarStart = time.Date(2026, 11, 16, 1, 0, 0, 0, time.UTC)

// simTime is the calendar time of a step: patrols start every five hours
// from 08:00 on each day, and steps are five minutes apart.
func simTime(day, patrol, step int) string {
	t := calendarStart.Add(time.Duration(day)*24*time.Hour + time.Duration(patrol)*5*time.Hour + time.Duration(step)*5*time.Minute)
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// editable lists, per collection, the fields officers change after
// creating a record.
var editable = map[string][]string{
	"encounters":    {"condition", "needs", "action_taken", "action_notes", "notes", "place_description", "estimated_age", "alias", "sex", "accuracy_m", "person_name", "lat", "lon"},
	"persons":       {"alias", "estimated_age", "notes", "origin", "nik", "birth_year", "name"},
	"assessments":   {"needs", "risks", "recommendation", "notes", "joint_with"},
	"interventions": {"status", "outcome", "notes", "ended_at"},
	"patrols":       {"notes", "route_description", "joint_agencies"},
	"media":         {"caption"},
}

// hot lists, per collection, the fields officers change most often: the
// person's condition and needs and what was done, which is where two
// officers' edits collide.
var hot = map[string][]string{
	"encounters": {"condition", "needs", "action_taken", "action_notes", "notes"},
	"persons":    {"alias", "notes", "estimated_age"},
}

// freeText reports fields whose value is free text, for custom
// resolutions.
var freeText = map[string]bool{"condition": true, "needs": true, "action_notes": true, "notes": true,
	"place_description": true, "alias": true, "person_name": true, "origin": true, "name": true,
	"risks": true, "recommendation": true, "joint_with": true, "outcome": true, "route_description": true, "caption": true}

// values draws field values.
type values struct {
	rng *rand.Rand
	// now is the calendar time of the current step.
	now string
}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

func (v *values) place() place { return pick(v.rng, places) }

// near is a position within about 50 m of a place.
func (v *values) near(p place) (float64, float64) {
	j := func(x float64) float64 { return math.Round((x+(v.rng.Float64()-0.5)*0.001)*1e6) / 1e6 }
	return j(p.lat), j(p.lon)
}

func (v *values) nik() string {
	return fmt.Sprintf("1271%06d%06d", v.rng.IntN(1000000), v.rng.IntN(1000000))
}

// field draws a valid value for one field of a collection.
func (v *values) field(collection, field string) any {
	r := v.rng
	switch field {
	case "condition":
		return pick(r, conditions)
	case "needs":
		if collection == "assessments" {
			return pick(r, assessNeed)
		}
		return pick(r, needs)
	case "action_taken":
		return pick(r, []string{"shelter", "medical_referral", "returned_to_family", "skills_training", "aid_given", "released_with_advice", "assessment_scheduled", "other"})
	case "action_notes":
		return pick(r, actionNotes)
	case "notes":
		return fmt.Sprintf("%s (%s)", pick(r, noteTexts), v.now[:10])
	case "place_description":
		return v.place().name
	case "estimated_age":
		return 3 + r.IntN(80)
	case "alias":
		return pick(r, aliases)
	case "sex":
		return pick(r, []string{"male", "female", "unknown"})
	case "accuracy_m":
		return 3 + r.IntN(40)
	case "person_name", "name":
		return pick(r, givenNames)
	case "lat", "lon":
		lat, lon := v.near(v.place())
		if field == "lat" {
			return lat
		}
		return lon
	case "origin":
		return pick(r, origins)
	case "nik":
		return v.nik()
	case "birth_year":
		return 1940 + r.IntN(80)
	case "risks":
		return pick(r, risks)
	case "recommendation":
		return pick(r, recommends)
	case "joint_with":
		return pick(r, []string{"Dinas Sosial Kota Binjai", "Dinas Sosial Deli Serdang", "Puskesmas Petisah", "RSJ Prof. Ildrem"})
	case "status":
		return pick(r, []string{"planned", "ongoing", "completed", "cancelled"})
	case "outcome":
		return pick(r, outcomes)
	case "ended_at", "started_at", "assessed_at", "occurred_at":
		return v.now
	case "route_description":
		return pick(r, routes)
	case "joint_agencies":
		n := r.IntN(3)
		out := []string{}
		for _, i := range r.Perm(len(agencies))[:n] {
			out = append(out, agencies[i])
		}
		return out
	case "caption":
		return pick(r, captions)
	case "category":
		return pick(r, categories)
	}
	return pick(r, noteTexts)
}

// edit draws one to three fields of a record to change.
func (v *values) edit(collection string) map[string]any {
	names := editable[collection]
	if h, ok := hot[collection]; ok && v.rng.Float64() < 0.7 {
		names = h
	}
	out := map[string]any{}
	for range 1 + v.rng.IntN(3) {
		f := pick(v.rng, names)
		if f == "lat" || f == "lon" {
			lat, lon := v.near(v.place())
			out["lat"], out["lon"] = lat, lon
			continue
		}
		out[f] = v.field(collection, f)
	}
	return out
}
