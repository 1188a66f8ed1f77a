package crowd

import (
	"fmt"
	"io"
	"math"
	"slices"
	"sync"
	"testing"
	"text/tabwriter"
	"time"

	"urcsync/server/bench/machine"
)

// latencies are the answered requests of some phones: every push, and
// every pull page, each from send to decoded answer. Failed requests are
// not in them; they are counted as errors.
type latencies struct {
	push, pull []time.Duration
	records    int
}

// collect gathers the phones' latencies, sorted.
func collect(ps []*phone) latencies {
	var l latencies
	for _, p := range ps {
		l.push = append(l.push, p.pushLat...)
		l.pull = append(l.pull, p.pullLat...)
		l.records += p.pulled
	}
	slices.Sort(l.push)
	slices.Sort(l.pull)
	return l
}

// quantile is the nearest-rank q-quantile of sorted durations.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// result is what one run measured.
type result struct {
	machine machine.Info
	errs    *tally

	crowd, alone latencies

	idleRSS, peakRSS int64 // KiB
	peakReset        error
	// idleHeap and peakHeap are the server's heap in use (bytes), the
	// peak sampled every sampleEvery; peakGoroutines likewise.
	idleHeap, peakHeap, peakGoroutines float64

	wall, serverCPU, selfCPU         time.Duration
	commits                          commitStats
	createTime, loginTime, aloneTime time.Duration
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func ratio(d, base time.Duration) float64 {
	if base <= 0 {
		return math.NaN()
	}
	return float64(d) / float64(base)
}

// figures are a run's key numbers.
type figures struct {
	pushP50, pushP99, pullP50, pullP99 time.Duration
	alonePush, alonePull               time.Duration
	alonePushP99, alonePullP99         time.Duration
}

func (r *result) figures() figures {
	return figures{
		pushP50: quantile(r.crowd.push, 0.50), pushP99: quantile(r.crowd.push, 0.99),
		pullP50: quantile(r.crowd.pull, 0.50), pullP99: quantile(r.crowd.pull, 0.99),
		alonePush: quantile(r.alone.push, 0.50), alonePull: quantile(r.alone.pull, 0.50),
		alonePushP99: quantile(r.alone.push, 0.99), alonePullP99: quantile(r.alone.pull, 0.99),
	}
}

// report hands the key numbers to the benchmark and logs the errors.
func (r *result) report(b *testing.B) {
	f := r.figures()
	b.ReportMetric(ms(f.pushP50), "push_p50_ms")
	b.ReportMetric(ms(f.pushP99), "push_p99_ms")
	b.ReportMetric(ms(f.pullP50), "pull_p50_ms")
	b.ReportMetric(ms(f.pullP99), "pull_p99_ms")
	b.ReportMetric(ms(f.alonePush), "alone_push_p50_ms")
	b.ReportMetric(ms(f.alonePull), "alone_pull_p50_ms")
	b.ReportMetric(ratio(f.pushP50, f.alonePush), "push_p50_x_alone")
	b.ReportMetric(ratio(f.pushP99, f.alonePush), "push_p99_x_alone")
	b.ReportMetric(ratio(f.pullP50, f.alonePull), "pull_p50_x_alone")
	b.ReportMetric(ratio(f.pullP99, f.alonePull), "pull_p99_x_alone")
	b.ReportMetric(float64(r.errs.total()), "errors")
	b.ReportMetric(float64(r.idleRSS)/1024, "idle_RSS_MiB")
	b.ReportMetric(float64(r.peakRSS)/1024, "peak_RSS_MiB")
	b.ReportMetric(r.peakHeap/(1<<20), "peak_heap_MiB")
	b.ReportMetric(r.wall.Seconds(), "crowd_s")
	for _, e := range r.errs.entries() {
		b.Logf("error ×%d: %s (first: %s)", e.count, e.kind, e.example)
	}
}

var (
	lastMu sync.Mutex
	last   *result
)

// record keeps the latest run for the closing table.
func record(r *result) {
	lastMu.Lock()
	defer lastMu.Unlock()
	last = r
}

// printTable writes the figures of the last run.
func printTable(w io.Writer) {
	lastMu.Lock()
	r := last
	lastMu.Unlock()
	if r == nil {
		return
	}
	f := r.figures()
	m := r.machine
	fmt.Fprintf(w, "\ncrowd: %d phones in %d teams starting at once, %d rounds each of one push (%d changes) and a pull to the end (limit %d)\n",
		phones, teams, rounds, batchSize, pullLimit)
	fmt.Fprintf(w, "machine: %s (at start)\n", m)
	fmt.Fprintf(w, "lone phone: %d rounds alone on the same server just before, a teammate pushing %d changes before each\n\n", aloneRounds, feederBatch)

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\tcrowd p50\tcrowd p99\tcrowd max\tlone p50\tlone p99\tp50 / lone p50\tp99 / lone p50\tanswered\trecords/page\t")
	fmt.Fprintf(tw, "push\t%.1f ms\t%.1f ms\t%.1f ms\t%.1f ms\t%.1f ms\t%.1f\t%.1f\t%d\t\t\n",
		ms(f.pushP50), ms(f.pushP99), ms(quantile(r.crowd.push, 1)), ms(f.alonePush), ms(f.alonePushP99),
		ratio(f.pushP50, f.alonePush), ratio(f.pushP99, f.alonePush), len(r.crowd.push))
	fmt.Fprintf(tw, "pull page\t%.1f ms\t%.1f ms\t%.1f ms\t%.1f ms\t%.1f ms\t%.1f\t%.1f\t%d\t%.0f (lone %.0f)\t\n",
		ms(f.pullP50), ms(f.pullP99), ms(quantile(r.crowd.pull, 1)), ms(f.alonePull), ms(f.alonePullP99),
		ratio(f.pullP50, f.alonePull), ratio(f.pullP99, f.alonePull), len(r.crowd.pull), perPage(r.crowd), perPage(r.alone))
	tw.Flush()

	fmt.Fprintf(w, "\nerrors: %d\n", r.errs.total())
	for _, e := range r.errs.entries() {
		fmt.Fprintf(w, "  ×%d  %s\n       first: %s\n", e.count, e.kind, e.example)
	}
	fmt.Fprintf(w, "server RSS: idle %.1f MiB, peak %.1f MiB (+%.1f MiB)", float64(r.idleRSS)/1024, float64(r.peakRSS)/1024, float64(r.peakRSS-r.idleRSS)/1024)
	if r.peakReset != nil {
		fmt.Fprintf(w, " (peak since the process started: could not reset it: %v)", r.peakReset)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "server heap in use: idle %.1f MiB, peak sampled %.1f MiB; goroutines: peak sampled %.0f\n",
		r.idleHeap/(1<<20), r.peakHeap/(1<<20), r.peakGoroutines)
	secs := r.wall.Seconds()
	fmt.Fprintf(w, "crowd: %.1f s wall; %.0f pushes/s, %.0f changes/s, %.0f records pulled/s\n",
		secs, float64(len(r.crowd.push))/secs, float64(len(r.crowd.push)*batchSize)/secs, float64(r.crowd.records)/secs)
	fmt.Fprintf(w, "       CPU: server %.1f s, benchmark process (the phones) %.1f s, of %.1f s available\n",
		r.serverCPU.Seconds(), r.selfCPU.Seconds(), secs*float64(m.CPUs))
	if c := r.commits; c.commits > 0 {
		fmt.Fprintf(w, "       group commits: %.0f, %.1f writer jobs each, writer in a commit %.0f%% of the wall time\n",
			c.commits, c.jobs/c.commits, 100*c.seconds/secs)
	}
	fmt.Fprintf(w, "setup: %d officers created in %.1f s, logged in in %.1f s; lone phone's rounds took %.1f s\n",
		phones+2, r.createTime.Seconds(), r.loginTime.Seconds(), r.aloneTime.Seconds())
}

func perPage(l latencies) float64 {
	if len(l.pull) == 0 {
		return 0
	}
	return float64(l.records) / float64(len(l.pull))
}
