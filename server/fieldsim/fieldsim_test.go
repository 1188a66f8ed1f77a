package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"urcsync/server/blob/s3/s3test"
	"urcsync/server/fieldsim/sim"
	"urcsync/server/serverproc"
)

// serverBin is the server binary built once for the package.
var serverBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "fieldsim-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	serverBin, err = serverproc.Build(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// TestFieldSimulation runs the default (CI) simulation for a few fixed
// seeds and one random seed, and requires the verdict to pass.
func TestFieldSimulation(t *testing.T) {
	seeds := []uint64{1, 2, 3, rand.Uint64N(1 << 40)}
	t.Logf("random seed this run: %d (replay: go run ./server/fieldsim -seed %d)", seeds[3], seeds[3])
	for _, seed := range seeds {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			cfg := sim.DefaultConfig()
			cfg.Seed, cfg.ServerBin, cfg.WorkDir = seed, serverBin, t.TempDir()
			rep, err := sim.Run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			var out strings.Builder
			rep.WriteSummary(&out)
			if !rep.Verdict.Pass {
				t.Fatalf("seed %d: the verdict failed (replay: go run ./server/fieldsim -seed %d)\n%s", seed, seed, out.String())
			}
			if rep.Changes.Applied == 0 || rep.Photos.Stored == 0 {
				t.Fatalf("seed %d: the simulation did nothing\n%s", seed, out.String())
			}
			t.Logf("seed %d: %d changes applied, %d photos stored, %d conflicts, %d faults, %d restarts, %s",
				seed, rep.Changes.Applied, rep.Photos.Stored, sum(rep.Conflicts.ByKind), sum(rep.Faults), rep.Kills.Restarts, rep.Total)
		})
	}
}

// TestStorageOutages runs the default simulation for one fixed seed with
// photos in a Versity S3 Gateway that is down three times, and requires
// the verdict to pass, uploads refused during the outages to have been
// stored later, pushes to have gone on while storage was down, and the
// server to have been killed and started again during an outage.
func TestStorageOutages(t *testing.T) {
	s3test.RequireVersity(t)
	const seed = 10
	cfg := sim.DefaultConfig()
	cfg.Seed, cfg.ServerBin, cfg.WorkDir = seed, serverBin, t.TempDir()
	cfg.Storage, cfg.StorageOutages = sim.StorageS3, 3
	rep, err := sim.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	rep.WriteSummary(&out)
	replay := fmt.Sprintf("replay: go run ./server/fieldsim -storage s3 -storage-outages 3 -seed %d", seed)
	if !rep.Verdict.Pass {
		t.Fatalf("the verdict failed (%s)\n%s", replay, out.String())
	}
	st := rep.Storage
	var bad []string
	if st.Kind != sim.StorageS3 || st.Outages < 1 {
		bad = append(bad, fmt.Sprintf("storage %s with %d outages, want s3 with at least one", st.Kind, st.Outages))
	}
	if st.UploadRefusals < 1 || st.DelayedThenStored < 1 {
		bad = append(bad, fmt.Sprintf("%d uploads refused during outages, %d of the delayed photos stored later; want at least one of each",
			st.UploadRefusals, st.DelayedThenStored))
	}
	if st.RefusalsWhileUp > 0 || st.UploadsStalled > 0 {
		bad = append(bad, fmt.Sprintf("%d uploads refused while storage was up and %d stalled during outages, want none",
			st.RefusalsWhileUp, st.UploadsStalled))
	}
	if st.KillsDuringOutages < 1 {
		bad = append(bad, "no server kill fell inside an outage; want the server to start again without its storage")
	}
	if st.PushesDuringOutages < 1 || st.PushesFailed > 0 {
		bad = append(bad, fmt.Sprintf("%d pushes answered during outages, %d of them failed; want some and none failed",
			st.PushesDuringOutages, st.PushesFailed))
	}
	if rep.Changes.Applied == 0 || rep.Photos.Stored == 0 {
		bad = append(bad, fmt.Sprintf("%d changes applied and %d photos stored, want some of each", rep.Changes.Applied, rep.Photos.Stored))
	}
	if len(bad) > 0 {
		t.Fatalf("%s (%s)\n%s", strings.Join(bad, "; "), replay, out.String())
	}
	t.Logf("seed %d: %d outages over %d actions, %d uploads refused, %d photos delayed and stored later, %d pushes during outages, %d kills during outages, %s",
		seed, st.Outages, st.OutageSteps, st.UploadRefusals, st.DelayedThenStored, st.PushesDuringOutages, st.KillsDuringOutages, rep.Total)
}

// TestFlags checks the command line.
func TestFlags(t *testing.T) {
	cfg, report, err := parseFlags([]string{"-teams", "4", "-phones", "5", "-days", "2", "-seed", "9", "-faults=off", "-kills", "7", "-report", "r.json", "-q"}, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Teams != 4 || cfg.Phones != 5 || cfg.Days != 2 || cfg.Seed != 9 || cfg.Faults || cfg.Kills != 7 || report != "r.json" || cfg.Progress != nil {
		t.Fatalf("parsed %+v, report %q", cfg, report)
	}
	if cfg.Storage != sim.StorageLocal || cfg.StorageOutages != 0 {
		t.Fatalf("storage %q with %d outages by default, want local with none", cfg.Storage, cfg.StorageOutages)
	}
	cfg, _, err = parseFlags([]string{"-storage", "s3", "-storage-outages", "4"}, os.Stderr)
	if err != nil || cfg.Storage != sim.StorageS3 || cfg.StorageOutages != 4 {
		t.Fatalf("-storage s3 -storage-outages 4: parsed storage %q with %d outages, %v", cfg.Storage, cfg.StorageOutages, err)
	}
	for _, args := range [][]string{{"-faults=maybe"}, {"-storage", "nfs"}, {"-storage-outages", "2"}} {
		if _, _, err := parseFlags(args, &strings.Builder{}); err == nil {
			t.Fatalf("%v accepted", args)
		}
	}
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
