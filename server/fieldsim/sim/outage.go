package sim

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// Bounds of a storage outage's length, in phone actions.
const (
	minOutageSteps = 8
	maxOutageSteps = 40
)

// outageWindow is a planned storage outage: from before the action at
// step start, for steps actions.
type outageWindow struct{ start, steps int }

// outages follows the run's storage outages: the plan, the one under way
// and what they did.
type outages struct {
	plan []outageWindow
	next int
	// endAt is the step before whose action the outage under way ends;
	// -1 when storage is up.
	endAt int
	// beganStep and began are when the outage under way began.
	beganStep    int
	began        time.Time
	count, steps int
	// killsDuring counts the server kills made while storage was down:
	// the server must start again without its storage.
	killsDuring int
	// stalled counts phones' uploads cut off by outageUploadPatience.
	stalled      int
	downTime     time.Duration
	restartTimes []time.Duration
}

// planOutages spreads n outages over the run's steps: each in its own
// equal slice of the run, at a random place and of a random length. The
// plan has its own random source, so that the phones' actions for a seed
// are the same with and without outages.
func planOutages(seed uint64, n, total int) *outages {
	o := &outages{endAt: -1}
	if n == 0 {
		return o
	}
	rng := rand.New(rand.NewPCG(seed, 0x07a6e5))
	slice := total / n
	for i := range n {
		steps := min(minOutageSteps+rng.IntN(maxOutageSteps-minOutageSteps+1), slice)
		start := i*slice + rng.IntN(slice-steps+1)
		o.plan = append(o.plan, outageWindow{start: start, steps: steps})
	}
	return o
}

// down reports whether storage is out now.
func (o *outages) down() bool { return o.endAt >= 0 }

// storageStep ends or begins an outage before the action at the current
// step.
func (w *world) storageStep() {
	o := w.outages
	if o.down() && w.step >= o.endAt {
		w.endOutage()
	}
	if o.down() || o.next >= len(o.plan) || w.step < o.plan[o.next].start {
		return
	}
	win := o.plan[o.next]
	o.next++
	w.gateway.Stop()
	o.endAt, o.beganStep, o.began = w.step+win.steps, w.step, time.Now()
	o.count++
	w.watch.setDown(true)
	w.logf("object storage goes down for %d actions", win.steps)
}

// endOutage restarts the gateway on its port and directory.
func (w *world) endOutage() {
	o := w.outages
	if !o.down() {
		return
	}
	o.steps += w.step - o.beganStep
	o.downTime += time.Since(o.began)
	start := time.Now()
	err := w.gateway.Restart()
	o.restartTimes = append(o.restartTimes, time.Since(start))
	o.endAt = -1
	w.watch.setDown(false)
	if err != nil && w.storageErr == nil {
		w.storageErr = fmt.Errorf("the S3 gateway did not come back after an outage: %w", err)
	}
	w.logf("object storage is back")
}

// killPlanned makes a planned server kill, counting the ones made while
// storage is down.
func (w *world) killPlanned() {
	if w.outages.down() {
		w.outages.killsDuring++
	}
	w.kill()
}
