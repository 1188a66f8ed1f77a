// Command fieldsim replays days of URC patrols against the real server and
// proves that the server survived them: many teams of phones (the
// reference client) with offline stretches, clocks hours off, and 3G
// links that drop and cut requests and answers through a fault proxy;
// supervisors resolving conflicts and reviewing photos; the server killed
// with SIGKILL and restarted at random moments; with -storage s3, photos
// kept in a Versity S3 Gateway that is killed for stretches of the run
// (-storage-outages) and restarted. At the end, after a quiet
// sync, it checks that every phone and the server agree record for
// record, that no acknowledged change or photo was lost, and that the
// conflicts recorded are those an independent model of the merge rules
// predicts; and it reports how fast and how lean the server was.
//
//	go run ./server/fieldsim [-teams 2] [-phones 3] [-days 1] [-seed 1] [-faults on|off] [-kills 3] [-fault-rate 0.16]
//	                         [-storage local|s3] [-storage-outages 0] [-report out.json]
//
// The exit status is 0 when the verdict passes, 1 when it finds a
// difference, 2 when the simulation could not run.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"urcsync/server/fieldsim/faultproxy"
	"urcsync/server/fieldsim/sim"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	cfg, reportPath, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := sim.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "fieldsim: %v\n", err)
		return 2
	}
	rep.WriteSummary(stdout)
	if reportPath != "" {
		if err := rep.WriteJSON(reportPath); err != nil {
			fmt.Fprintf(stderr, "fieldsim: %v\n", err)
			return 2
		}
		fmt.Fprintf(stdout, "report: %s\n", reportPath)
	}
	if !rep.Verdict.Pass {
		return 1
	}
	return 0
}

func parseFlags(args []string, stderr io.Writer) (sim.Config, string, error) {
	cfg := sim.DefaultConfig()
	fs := flag.NewFlagSet("fieldsim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&cfg.Teams, "teams", cfg.Teams, "number of URC teams")
	fs.IntVar(&cfg.Phones, "phones", cfg.Phones, "phones (officers) per team")
	fs.IntVar(&cfg.Days, "days", cfg.Days, "days of patrols")
	fs.IntVar(&cfg.PatrolsPerDay, "patrols", cfg.PatrolsPerDay, "patrols per team per day")
	fs.IntVar(&cfg.StepsPerPatrol, "steps", cfg.StepsPerPatrol, "phone actions per team per patrol")
	fs.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "random seed; the same seed replays the same actions and faults")
	faults := fs.String("faults", "on", "faults and slow links between phones and server: on or off")
	fs.IntVar(&cfg.Kills, "kills", cfg.Kills, "times the server is killed (SIGKILL) and restarted")
	faultRate := fs.Float64("fault-rate", 0.16, "share of requests that meet a fault (dropped, cut, lost answer, duplicated)")
	fs.StringVar(&cfg.Storage, "storage", cfg.Storage, "where the server keeps photos: local (its data folder) or s3 (a Versity S3 Gateway started for the run)")
	fs.IntVar(&cfg.StorageOutages, "storage-outages", 0, "times the S3 gateway is killed for a stretch of phone actions and restarted (with -storage s3)")
	fs.StringVar(&cfg.ServerBin, "server-bin", "", "a server binary already built (default: build one)")
	fs.StringVar(&cfg.WorkDir, "dir", "", "directory for the server's data and the phones' files (default: a temporary one, removed afterwards)")
	reportPath := fs.String("report", "", "write the JSON report to this file")
	verbose := fs.Bool("v", false, "log every action on stderr")
	quiet := fs.Bool("q", false, "no progress bar")
	if err := fs.Parse(args); err != nil {
		return cfg, "", err
	}
	switch *faults {
	case "on":
		cfg.Faults = true
	case "off":
		cfg.Faults = false
	default:
		fmt.Fprintf(stderr, "fieldsim: -faults must be on or off, not %q\n", *faults)
		return cfg, "", fmt.Errorf("bad -faults")
	}
	if cfg.Storage != sim.StorageLocal && cfg.Storage != sim.StorageS3 {
		fmt.Fprintf(stderr, "fieldsim: -storage must be %s or %s, not %q\n", sim.StorageLocal, sim.StorageS3, cfg.Storage)
		return cfg, "", fmt.Errorf("bad -storage")
	}
	if cfg.StorageOutages > 0 && cfg.Storage != sim.StorageS3 {
		fmt.Fprintf(stderr, "fieldsim: -storage-outages needs -storage %s\n", sim.StorageS3)
		return cfg, "", fmt.Errorf("-storage-outages without -storage s3")
	}
	cfg.Rates = faultproxy.RatesFor(*faultRate)
	cfg.Keep = cfg.WorkDir != ""
	if !*quiet {
		cfg.Progress = stderr
	}
	if *verbose {
		cfg.Log = stderr
	}
	return cfg, *reportPath, nil
}
