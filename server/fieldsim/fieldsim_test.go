package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

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

// TestFlags checks the command line.
func TestFlags(t *testing.T) {
	cfg, report, err := parseFlags([]string{"-teams", "4", "-phones", "5", "-days", "2", "-seed", "9", "-faults=off", "-kills", "7", "-report", "r.json", "-q"}, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Teams != 4 || cfg.Phones != 5 || cfg.Days != 2 || cfg.Seed != 9 || cfg.Faults || cfg.Kills != 7 || report != "r.json" || cfg.Progress != nil {
		t.Fatalf("parsed %+v, report %q", cfg, report)
	}
	if _, _, err := parseFlags([]string{"-faults=maybe"}, &strings.Builder{}); err == nil {
		t.Fatal("-faults=maybe accepted")
	}
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
