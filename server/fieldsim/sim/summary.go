package sim

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"urcsync/server/fieldsim/faultproxy"
)

// WriteSummary prints the summary table and the verdict.
func (r *Report) WriteSummary(out io.Writer) {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	row := func(k, format string, args ...any) { fmt.Fprintf(tw, "%s\t%s\n", k, fmt.Sprintf(format, args...)) }
	skewed := []string{}
	for _, p := range r.Phones {
		if p.Skew > time.Minute || p.Skew < -time.Minute {
			skewed = append(skewed, fmt.Sprintf("%s %+.0fh", p.Username, p.Skew.Hours()))
		}
	}
	row("seed", "%d", r.Seed)
	row("phones", "%d (%d teams × %d), %d days × %d patrols × %d steps; clocks off: %s",
		len(r.Phones), r.Config.Teams, r.Config.Phones, r.Config.Days, r.Config.PatrolsPerDay, r.Config.StepsPerPatrol, orNone(skewed))
	row("changes", "%d sent, %d applied (%d first known from a re-send), %d rejected, %d duplicate answers, %d re-stamped; %d pushes, %d pulls",
		r.Changes.Sent, r.Changes.Applied, r.Changes.LearnedOnResend, r.Changes.Rejected, r.Changes.DuplicateAnswers, r.Changes.Restamped, r.Changes.Pushes, r.Changes.Pulls)
	row("photos", "%d attached, %d stored (%s), %d refused, %d deleted afterwards",
		r.Photos.Attached, r.Photos.Stored, bytesText(r.Photos.Bytes), r.Photos.Refused, r.Photos.DeletedAfterwards)
	row("conflicts", "%s; %s; %d resolutions sent, %d reviews", counts(r.Conflicts.ByKind), counts(r.Conflicts.ByStatus), r.Conflicts.Resolutions, r.Conflicts.Reviews)
	row("faults", "%s of %d requests", counts(r.Faults), r.Requests)
	row("kills", "%d between requests, %d with a request in flight; %d restarts (mean %s, max %s)",
		r.Kills.Between, r.Kills.InFlight, r.Kills.Restarts, r.Kills.RestartMean.Round(time.Millisecond), r.Kills.RestartMax.Round(time.Millisecond))
	r.Storage.rows(row)
	row("sync", "%d attempts, %d failed on the way, %d re-sends after a crash, %d offline stretches",
		r.Sync.Attempts, r.Sync.Failures, r.Sync.Recoveries, r.Sync.OfflineStretches)
	row("time", "%s total (setup %s, patrols %s, final sync %s, verdict %s)", r.Total.Round(time.Millisecond),
		r.Timings.Setup.Round(time.Millisecond), r.Timings.Patrols.Round(time.Millisecond), r.Timings.Quiet.Round(time.Millisecond), r.Timings.Verdict.Round(time.Millisecond))
	row("throughput", "%.1f applied changes/s, %.1f requests/s over the run (the simulator's pacing, faults and slow links included); %.0f changes per second of push answering",
		r.Server.ChangesPerSecond, r.Server.RequestsPerSecond, r.Server.PushChangesPerSecond)
	row("server", "peak RSS %s, last RSS %s, CPU %s (%s per 1000 changes), database %s, media %s",
		bytesText(r.Server.PeakRSS), bytesText(r.Server.FinalRSS), r.Server.CPU.Round(time.Millisecond),
		r.Server.CPUPerThousandChange.Round(time.Millisecond), bytesText(r.Server.DatabaseBytes), bytesText(r.Server.MediaBytes))
	for _, class := range []string{"push", "pull", "upload", "login", "other"} {
		if l, ok := r.Latency[class]; ok {
			row("latency "+class, "%s", latencyText(l))
		}
	}
	row("machine", "%s", r.Machine)
	tw.Flush()
	fmt.Fprintln(out)
	tw = tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "check\tchecked\tfailed\tunverifiable\n")
	for _, c := range r.Verdict.Checks {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\n", c.Name, c.Checked, c.Failed, c.Unverifiable)
	}
	tw.Flush()
	if len(r.Verdict.Differences) > 0 {
		fmt.Fprintf(out, "\n%d differences:\n", len(r.Verdict.Differences))
		for i, d := range r.Verdict.Differences {
			if i == 200 {
				fmt.Fprintf(out, "  … %d more in the JSON report\n", len(r.Verdict.Differences)-i)
				break
			}
			fmt.Fprintf(out, "  [%s] %s: %s\n", d.Check, d.Subject, d.Detail)
		}
	}
	verdict := "PASS"
	if !r.Verdict.Pass {
		verdict = "FAIL"
	}
	fmt.Fprintf(out, "\nverdict: %s\n", verdict)
}

func latencyText(l faultproxy.Latency) string {
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond)) }
	return fmt.Sprintf("n=%d  p50 %s  p95 %s  p99 %s  max %s", l.Count, ms(l.P50), ms(l.P95), ms(l.P99), ms(l.Max))
}

func counts(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	var parts []string
	for _, k := range sortedNames(m) {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

func bytesText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
