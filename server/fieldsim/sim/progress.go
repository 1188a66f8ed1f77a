package sim

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progress draws a one-line text bar, rewritten in place with \r.
type progress struct {
	out   io.Writer
	total int
	start time.Time
	last  time.Time
	width int
}

func newProgress(out io.Writer, total int) *progress {
	return &progress{out: out, total: max(total, 1), start: time.Now()}
}

// update redraws the bar, at most ten times a second.
func (p *progress) update(w *world) {
	if p == nil || p.out == nil {
		return
	}
	now := time.Now()
	if now.Sub(p.last) < 100*time.Millisecond && w.step < p.total {
		return
	}
	p.last = now
	done := min(w.step, p.total)
	const cells = 24
	fill := done * cells / p.total
	c := w.led.Counts()
	faults := 0
	for _, n := range w.ctl.Faults() {
		faults += n
	}
	w.killMu.Lock()
	restarts := len(w.stats.restartTimes)
	w.killMu.Unlock()
	outages := ""
	if w.cfg.StorageOutages > 0 {
		outages = fmt.Sprintf("  outages %d", w.outages.count)
	}
	line := fmt.Sprintf("[%s%s] %3d%%  step %d/%d  changes %d  photos %d  conflicts %d  faults %d  restarts %d%s  %s",
		strings.Repeat("#", fill), strings.Repeat(".", cells-fill), done*100/p.total, done, p.total,
		c.Commits, c.Stored, c.Conflicts, faults, restarts, outages, now.Sub(p.start).Truncate(time.Second))
	pad := ""
	if len(line) < p.width {
		pad = strings.Repeat(" ", p.width-len(line))
	}
	p.width = len(line)
	fmt.Fprintf(p.out, "\r%s%s", line, pad)
}

// clear wipes the bar so that a log line can be printed.
func (p *progress) clear() {
	if p == nil || p.out == nil || p.width == 0 {
		return
	}
	fmt.Fprintf(p.out, "\r%s\r", strings.Repeat(" ", p.width))
	p.width = 0
}

// finish ends the bar's line.
func (p *progress) finish(w *world) {
	if p == nil || p.out == nil {
		return
	}
	p.last = time.Time{}
	p.update(w)
	fmt.Fprintln(p.out)
	p.width = 0
}
