package verdict

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"urcsync/syncproto"
)

// restampMargin absorbs the gap between the proxy's and the server's
// clocks when judging the skew window.
const restampMargin = 2 * time.Second

func pushResults(r *run) {
	uncertain := r.uncertainPositions()
	serverIDs := map[string]bool{}
	for _, sc := range r.in.Conflicts {
		serverIDs[strings.ToLower(sc.ID)] = true
	}
	for _, c := range r.in.Ledger.Commits {
		subject := fmt.Sprintf("%s/%s", c.Write.Collection, c.Write.ID)
		var bad []string
		if got, want := sortedCopy(c.Result.Superseded), sortedCopy(c.Outcome.Superseded); strings.Join(got, ",") != strings.Join(want, ",") {
			bad = append(bad, fmt.Sprintf("superseded: server %v, model %v", got, want))
		}
		for _, ref := range c.Result.Conflicts {
			if !serverIDs[strings.ToLower(ref.ConflictID)] {
				bad = append(bad, fmt.Sprintf("reported conflict %s (%s %s) is not in the server's conflict list", ref.ConflictID, ref.Kind, fieldName(ref.Field)))
			}
		}
		if !uncertain[c.Pos] {
			for _, ref := range c.UnmatchedServer {
				bad = append(bad, fmt.Sprintf("answer reports conflict %s (%s, %s) the model does not predict", ref.ConflictID, ref.Kind, fieldName(ref.Field)))
			}
		}
		if msg := restampProblem(r.in, c.Write.SentHLC, c.Result.Restamped, c.Outcome.OrderViolated, c.WallLo, c.WallHi); msg != "" {
			bad = append(bad, msg)
		}
		if len(bad) > 0 {
			r.fail(subject, "%s: %s", r.describe(c), strings.Join(bad, "; "))
			continue
		}
		r.ok()
	}
}

// restampProblem judges one change against the re-stamping rules: a stamp
// more than the skew window ahead of the server's clock, or not above the
// same device's previous write to a field it writes, is re-stamped; no
// other is. Stamps within restampMargin of the window's edge are not
// judged.
func restampProblem(in *Input, sent, restamped string, orderViolated bool, lo, hi time.Time) string {
	h, err := syncproto.ParseHLC(sent)
	if err != nil {
		return fmt.Sprintf("sent stamp %q does not parse", sent)
	}
	t := h.Time()
	ahead := t.After(hi.Add(in.SkewWindow + restampMargin))
	trusted := !t.After(lo.Add(in.SkewWindow - restampMargin))
	switch {
	case (ahead || orderViolated) && restamped == "":
		why := "stamp runs ahead of the server's clock by more than the window"
		if orderViolated {
			why = "stamp is not above the device's previous write to the same field"
		}
		return fmt.Sprintf("not re-stamped, but the %s (%s, server clock at most %s)", why, t.Format(time.RFC3339), hi.UTC().Format(time.RFC3339))
	case trusted && !orderViolated && restamped != "":
		return fmt.Sprintf("re-stamped to %s, but the stamp (%s) was within the window and in the device's order", restamped, t.Format(time.RFC3339))
	}
	return ""
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}
