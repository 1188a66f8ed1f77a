package verdict

import (
	"fmt"
	"net/http"
)

func officeWork(r *run) {
	for _, res := range r.in.Ledger.Resolutions {
		subject := fmt.Sprintf("resolution %s of conflict %s", res.Choice, res.ConflictID)
		if res.Repeat {
			subject = "repeated " + subject
		}
		switch {
		case !res.Known:
			r.unverifiable()
		case res.Status != res.Predicted || res.Code != res.PredictedCode:
			r.fail(subject, "answered %d %s, the model expects %d %s", res.Status, res.Code, res.Predicted, res.PredictedCode)
		default:
			r.ok()
		}
	}
	last := map[string]string{}
	for _, rv := range r.in.Ledger.Reviews {
		if rv.Status != http.StatusOK {
			r.fail("review of photo "+rv.MediaID, "%s answered %d for a stored photo listed for review", rv.Decision, rv.Status)
			continue
		}
		last[rv.MediaID] = rv.Decision
	}
	for _, id := range sortedKeys(last) {
		sr, ok := r.in.Server[key("media", id)]
		if !ok || sr.Deleted {
			r.ok()
			continue
		}
		if got := fieldsOf(sr.Fields)["review_status"]; got != `"`+last[id]+`"` {
			r.fail("review of photo "+id, "review_status is %s, the last decision was %s", got, last[id])
			continue
		}
		r.ok()
	}
}

func rejected(r *run) {
	led := r.in.Ledger
	kept := map[string]string{}
	for _, rc := range r.in.ServerRejected {
		kept[rc.OpID] = rc.Error.Code
	}
	for _, op := range sortedKeys(led.Rejected) {
		e := led.Rejected[op]
		var bad []string
		if _, ok := kept[op]; !ok {
			bad = append(bad, "the server's rejected list does not keep it")
		}
		if want, ok := r.in.Intended[op]; !ok {
			bad = append(bad, fmt.Sprintf("rejected %s (%s), but the change was valid", e.Code, e.Message))
		} else if e.Code != want {
			bad = append(bad, fmt.Sprintf("rejected %s, want %s", e.Code, want))
		}
		if len(bad) > 0 {
			r.fail("op "+op, "%v", bad)
			continue
		}
		r.ok()
	}
	for _, op := range sortedKeys(r.in.Intended) {
		if _, ok := led.Rejected[op]; !ok {
			r.fail("op "+op, "an invalid change (%s expected) was not rejected", r.in.Intended[op])
		}
	}
	for _, p := range r.in.Phones {
		for _, rc := range p.Rejected {
			if _, ok := led.Rejected[rc.Change.OpID]; !ok {
				r.fail("op "+rc.Change.OpID+" on "+p.Username, "the phone lists it as rejected (%s), no answer rejected it", rc.Code)
				continue
			}
			r.ok()
		}
	}
}

func protocol(r *run) {
	for _, a := range r.in.Ledger.Anomalies {
		r.fail(a.Kind, "%s", a.Detail)
	}
	r.ok()
}

func limits(in *Input) []string {
	n := 0
	for _, c := range in.Ledger.Commits {
		if c.OrderUncertain || c.BaseUnknown {
			n++
		}
	}
	out := []string{
		"Values kept under a tombstone are not readable through the API, so acknowledged upserts of records that end deleted are counted unverifiable, and the model is compared with deleted records on the deleted flag only.",
		"Server positions are not visible to phones; the ledger orders commits by the order of the server's answers, which is exact because the simulator has one request in flight at a time (the copies of a duplicated request carry the same changes).",
		"The restore that a record-level use_other resolution writes is given the stamp just below the resolution's edit; the server's own restore stamp is not visible.",
		"The skew rule is judged with a 2 s margin around the window's edge, from the proxy's clock (the server runs on the same machine).",
	}
	if n > 0 {
		out = append(out, fmt.Sprintf("%d commits could not be placed exactly (a change committed by a request the server died under, with other activity before its re-send); checks depending on their position were counted unverifiable.", n))
	}
	return out
}
