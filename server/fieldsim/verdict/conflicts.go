package verdict

import (
	"fmt"
	"strings"

	"urcsync/server/fieldsim/model"
	"urcsync/server/fieldsim/office"
)

// uncertainPositions returns the positions of commits whose place in the
// order is not exactly known.
func (r *run) uncertainPositions() map[int64]bool {
	out := map[int64]bool{}
	for _, c := range r.in.Ledger.Commits {
		if c.OrderUncertain || c.BaseUnknown {
			out[c.Pos] = true
		}
	}
	return out
}

func conflicts(r *run) {
	led := r.in.Ledger
	uncertain := r.uncertainPositions()
	paired := map[*model.Conflict]bool{}
	for _, sc := range r.in.Conflicts {
		subject := fmt.Sprintf("conflict %s on %s/%s %s", sc.ID, sc.Collection, sc.RecordID, fieldName(sc.Field))
		mc := led.ConflictByID[strings.ToLower(sc.ID)]
		if mc == nil {
			r.fail(subject, "the server recorded %s (%s), no push answer reported it and the model does not predict it: current %s, other %s",
				sc.Kind, sc.Status, side(sc.Current), side(sc.Other))
			continue
		}
		paired[mc] = true
		if uncertain[mc.Current.Pos] || uncertain[mc.Other.Pos] {
			r.unverifiable()
			continue
		}
		var bad []string
		cmp := func(what, server, want string) {
			if server != want {
				bad = append(bad, fmt.Sprintf("%s: server %s, model %s", what, short(server), short(want)))
			}
		}
		cmp("record", sc.Collection+"/"+strings.ToLower(sc.RecordID), mc.Collection+"/"+mc.RecordID)
		cmp("field", sc.Field, mc.Field)
		cmp("kind", sc.Kind, mc.Kind)
		cmp("current value", canon(sc.Current.Value), mc.Current.JSON)
		cmp("current hlc", sc.Current.HLC, mc.Current.HLC)
		cmp("current device", strings.ToLower(sc.Current.DeviceID), mc.Current.Device)
		cmp("other value", canon(sc.Other.Value), mc.Other.JSON)
		cmp("other hlc", sc.Other.HLC, mc.Other.HLC)
		cmp("other device", strings.ToLower(sc.Other.DeviceID), mc.Other.Device)
		cmp("status", sc.Status, mc.Status)
		if len(bad) > 0 {
			r.fail(subject, "%s", strings.Join(bad, "; "))
			continue
		}
		r.ok()
	}
	for _, mc := range led.Model.Conflicts() {
		if paired[mc] {
			continue
		}
		if uncertain[mc.Current.Pos] || uncertain[mc.Other.Pos] {
			r.unverifiable()
			continue
		}
		r.fail(fmt.Sprintf("predicted conflict #%d on %s/%s %s", mc.N, mc.Collection, mc.RecordID, fieldName(mc.Field)),
			"the model predicts %s (%s) raised by op %s, the server did not record it: current %s, other %s",
			mc.Kind, mc.Status, mc.OpID, modelValue(mc.Current), modelValue(mc.Other))
	}
}

func fieldName(f string) string {
	if f == "" {
		return "(record)"
	}
	return "field " + f
}

func side(s office.ConflictSide) string {
	return fmt.Sprintf("%s @%s (%s)", short(canon(s.Value)), s.HLC, s.DeviceID)
}
