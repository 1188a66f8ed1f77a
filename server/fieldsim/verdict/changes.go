package verdict

import (
	"fmt"
	"strings"

	"urcsync/server/fieldsim/ledger"
	"urcsync/server/fieldsim/model"
	"urcsync/syncproto"
)

// describe names a committed change for a difference report.
func (r *run) describe(c *ledger.Commit) string {
	who := "?"
	if c.Phone >= 0 && c.Phone < len(r.in.Ledger.Phones) {
		who = r.in.Ledger.Phones[c.Phone].Username
	}
	return fmt.Sprintf("op %s (%s by %s, hlc %s, position %d)", c.OpID, c.Write.Kind, who, c.Write.HLC, c.Pos)
}

func acknowledged(r *run) {
	led := r.in.Ledger
	ops := map[string]bool{}
	for op := range led.Told {
		ops[op] = true
	}
	for op := range led.ByOp {
		ops[op] = true
	}
	for _, op := range sortedKeys(ops) {
		c := led.ByOp[op]
		if c == nil {
			r.fail("op "+op, "a phone was told %s, but no answer the server sent said so", led.Told[op].Status)
			continue
		}
		k := key(c.Write.Collection, c.Write.ID)
		sr, ok := r.in.Server[k]
		if !ok {
			r.fail(k, "%s was acknowledged, the server has no such record", r.describe(c))
			continue
		}
		ms, _ := led.Model.Record(c.Write.Collection, c.Write.ID)
		if c.Write.Kind == syncproto.KindDelete {
			switch {
			case sr.Deleted:
				r.ok()
			case !ms.Deleted && ms.DeletedStamp.HLC > c.Write.HLC:
				r.ok()
			default:
				r.fail(k, "%s was acknowledged, the record is not deleted (hlc %s)", r.describe(c), sr.HLC)
			}
			continue
		}
		if sr.Deleted {
			r.unverifiable()
			continue
		}
		sf := fieldsOf(sr.Fields)
		lost := []string{}
		for _, f := range sortedKeys(c.Write.Fields) {
			v := c.Write.Fields[f]
			sv, has := sf[f]
			if has && sv == v {
				continue
			}
			win := ms.Fields[f]
			if has && win.HLC > c.Write.HLC && sv == win.JSON {
				continue
			}
			lost = append(lost, fmt.Sprintf("%s: server %s, acknowledged %s, model's winner %s @%s (%s)",
				f, short(orAbsent(sv, has)), short(v), short(win.JSON), win.HLC, win.Device))
		}
		if len(lost) > 0 {
			r.fail(k, "%s lost: %s", r.describe(c), strings.Join(lost, "; "))
			continue
		}
		r.ok()
	}
}

func orAbsent(v string, has bool) string {
	if !has {
		return "(absent)"
	}
	return v
}

func mergeModel(r *run) {
	led := r.in.Ledger
	seen := map[string]bool{}
	for _, mk := range led.Model.Keys() {
		k := key(mk.Collection, mk.ID)
		seen[k] = true
		ms, _ := led.Model.Record(mk.Collection, mk.ID)
		sr, ok := r.in.Server[k]
		if !ok {
			r.fail(k, "the model has the record (deleted=%v), the server does not", ms.Deleted)
			continue
		}
		if sr.Deleted != ms.Deleted {
			r.fail(k, "deleted: server %v, model %v (deletion held by %s from %s at position %d)",
				sr.Deleted, ms.Deleted, ms.DeletedStamp.HLC, ms.DeletedStamp.Device, ms.DeletedStamp.Pos)
			continue
		}
		if sr.Deleted {
			r.ok()
			continue
		}
		sf := fieldsOf(sr.Fields)
		var bad []string
		for _, f := range sortedKeys(ms.Fields) {
			mv := ms.Fields[f]
			if sv, has := sf[f]; !has || sv != mv.JSON {
				bad = append(bad, fmt.Sprintf("%s: server %s, model %s @%s (%s, position %d)",
					f, short(orAbsent(sv, has)), short(mv.JSON), mv.HLC, mv.Device, mv.Pos))
			}
		}
		for _, f := range sortedKeys(sf) {
			if _, ok := ms.Fields[f]; !ok && !serverOwned[f] {
				bad = append(bad, fmt.Sprintf("%s: server %s, no applied change wrote it", f, short(sf[f])))
			}
		}
		if team, want := r.teamOf(k, sf), r.in.Teams[k]; want != "" && team != want {
			bad = append(bad, fmt.Sprintf("team_id: server %s, creator's team %s", team, want))
		}
		if len(bad) > 0 {
			r.fail(k, "record stamp on the server %s; %s", sr.HLC, strings.Join(bad, "; "))
			continue
		}
		r.ok()
	}
	for _, k := range sortedKeys(r.in.Server) {
		if !seen[k] {
			r.fail(k, "the server has the record (deleted=%v), no applied change made it", r.in.Server[k].Deleted)
		}
	}
}

// modelValue renders a model value with its stamp for reports.
func modelValue(v model.Value) string {
	return fmt.Sprintf("%s @%s (%s)", short(v.JSON), v.HLC, v.Device)
}
