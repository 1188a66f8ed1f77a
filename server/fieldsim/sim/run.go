package sim

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"time"

	"urcsync/server/fieldsim/verdict"
)

// skewWindow is how far ahead of its clock the server trusts a stamp
// (protocol §2, default 5 minutes).
const skewWindow = 5 * time.Minute

// Run runs one simulation and returns its report. An error means the
// simulation could not run (the server did not build or start, a user
// could not be created…); a failed verdict is in the report.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	dir := cfg.WorkDir
	if dir == "" {
		d, err := os.MkdirTemp("", "fieldsim-")
		if err != nil {
			return nil, err
		}
		dir = d
		if !cfg.Keep {
			defer os.RemoveAll(dir)
		}
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir+"/phones", 0o700); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x5eed))
	w := &world{cfg: cfg, ctx: ctx, rng: rng, vals: &values{rng: rng}, dir: dir, bin: cfg.ServerBin,
		intended: map[string]string{}, stats: runStats{actions: map[string]int{}},
		outages: planOutages(cfg.Seed, cfg.StorageOutages, cfg.totalSteps())}
	w.progress = newProgress(cfg.Progress, cfg.totalSteps())

	var tm timings
	start := time.Now()
	err := w.setup()
	defer w.close()
	if err != nil {
		return nil, fmt.Errorf("setup: %w", err)
	}
	tm.Setup = time.Since(start)

	start = time.Now()
	w.patrolDays()
	tm.Patrols = time.Since(start)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("interrupted: %w", err)
	}

	start = time.Now()
	quietErr := w.quietSync()
	w.progress.finish(w)
	tm.Quiet = time.Since(start)
	if err := w.ctl.KillError(); err != nil {
		return nil, fmt.Errorf("the server did not come back after a kill: %w", err)
	}
	if w.storageErr != nil {
		return nil, w.storageErr
	}

	start = time.Now()
	in, err := w.collect(quietErr)
	if err != nil {
		return nil, fmt.Errorf("reading the final state: %w", err)
	}
	v := verdict.Judge(in)
	tm.Verdict = time.Since(start)
	return w.report(in, v, tm), nil
}
