package verdict

import "fmt"

func quiet(r *run) {
	if r.in.QuietErr != nil {
		r.fail("final sync", "the quiet final sync failed: %v", r.in.QuietErr)
	}
	for _, p := range r.in.Phones {
		if p.Pending != 0 || p.PendingPhotos != 0 {
			r.fail(p.Username, "%d changes and %d photos still waiting after the final sync", p.Pending, p.PendingPhotos)
			continue
		}
		r.ok()
	}
}

// teamOf returns the team a server record belongs to.
func (r *run) teamOf(k string, fields map[string]string) string {
	if t, ok := fields["team_id"]; ok && len(t) > 2 {
		return t[1 : len(t)-1]
	}
	return r.in.Teams[k]
}

func replicas(r *run) {
	for _, p := range r.in.Phones {
		want := map[string]bool{}
		for _, k := range sortedKeys(r.in.Server) {
			sr := r.in.Server[k]
			sf := fieldsOf(sr.Fields)
			if r.teamOf(k, sf) != p.Team {
				continue
			}
			want[k] = true
			subject := fmt.Sprintf("%s on %s", k, p.Username)
			pr, ok := p.Records[k]
			if !ok {
				r.fail(subject, "the server has it (deleted=%v, hlc %s), the phone does not", sr.Deleted, sr.HLC)
				continue
			}
			bad := false
			if pr.Deleted != sr.Deleted {
				r.fail(subject, "deleted: phone %v, server %v", pr.Deleted, sr.Deleted)
				bad = true
			}
			if pr.HLC != sr.HLC {
				r.fail(subject, "record stamp: phone %s, server %s", pr.HLC, sr.HLC)
				bad = true
			}
			pf := map[string]string{}
			for f, v := range pr.Fields {
				pf[f] = canon(v)
			}
			for _, f := range sortedKeys(sf) {
				if pv, ok := pf[f]; !ok {
					r.fail(subject, "field %s: server %s, phone has none", f, short(sf[f]))
					bad = true
				} else if pv != sf[f] {
					r.fail(subject, "field %s: server %s, phone %s", f, short(sf[f]), short(pv))
					bad = true
				}
			}
			for _, f := range sortedKeys(pf) {
				if _, ok := sf[f]; !ok {
					r.fail(subject, "field %s: phone %s, server has none", f, short(pf[f]))
					bad = true
				}
			}
			if !bad {
				r.ok()
			}
		}
		for _, k := range sortedKeys(p.Records) {
			if !want[k] {
				pr := p.Records[k]
				r.fail(fmt.Sprintf("%s on %s", k, p.Username), "the phone has it (deleted=%v, hlc %s), its team's server records do not", pr.Deleted, pr.HLC)
			}
		}
	}
}
