package bench

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"urcsync/server/bench/machine"
)

const (
	// scaleTeam owns scaleTeamRecords records in every database size;
	// its officers push and pull, the other teams only fill the file.
	scaleTeam        = "urc-1"
	scaleTeamRecords = 10_000
	scaleFillTeams   = 9
	scaleFillBatch   = 1000
	scaleFillDevices = 4
	// scaleDevices officers of scaleTeam push scaleRounds batches of
	// pushBatch changes each: half new encounters, half edits of the
	// team's existing ones.
	scaleDevices = 10
	scaleRounds  = 2
	// scaleAim is the most the cost per change or per pulled record may
	// grow from 10,000 to 1,000,000 stored records.
	scaleAim = 1.5
)

// scaleCost is what one database size cost per pushed change and per
// pulled record.
type scaleCost struct {
	records       int
	push, pull    time.Duration // per change, per record
	fill          time.Duration
	pushed, pulls int
}

var (
	scaleMu    sync.Mutex
	scaleCosts = map[int]scaleCost{}
)

// BenchmarkScale measures the cost of a push and of a pull with 10,000
// and with 1,000,000 records already stored. In both, team urc-1 has the
// same 10,000 records; in the larger file the other 990,000 belong to
// nine other teams and are interleaved with them. Timed: 10 officers of
// urc-1 pushing at once 2 batches of 500 changes each (half new
// encounters, half edits of random existing ones) over HTTP, then one
// officer of urc-1 pulling the team's records from an empty cursor.
//
//	go test -run '^$' -bench Scale -benchtime 1x ./server/bench/
func BenchmarkScale(b *testing.B) {
	for _, size := range []int{10_000, 1_000_000} {
		b.Run(fmt.Sprintf("records=%d", size), func(b *testing.B) { benchScale(b, size) })
	}
	printScale(b)
}

func benchScale(b *testing.B, size int) {
	dir := b.TempDir()
	srv, err := startServer(filepath.Join(dir, "urc.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer srv.close()
	start := time.Now()
	ids, err := fillScale(srv, size)
	if err != nil {
		b.Fatal(err)
	}
	fill := time.Since(start)
	b.Logf("stored %d records in %s (%.0f changes/s)", size, fill.Round(time.Millisecond), float64(size)/fill.Seconds())

	phones := make([]*phone, scaleDevices)
	accounts := make([]*account, scaleDevices)
	bodies := make([][][]byte, scaleDevices)
	rng := rand.New(rand.NewPCG(uint64(size), 3))
	for d := range phones {
		phones[d] = newPhone(newID(), scaleTeam, uint64(5000+d))
		if accounts[d], err = srv.addAccount(fmt.Sprintf("scale%02d", d), scaleTeam, phones[d].deviceID); err != nil {
			b.Fatal(err)
		}
		for range scaleRounds {
			edits := make([]string, pushBatch/2)
			for i := range edits {
				edits[i] = ids[rng.IntN(len(ids))]
			}
			bodies[d] = append(bodies[d], phones[d].mixedBatch(pushBatch-len(edits), edits))
		}
	}
	reader, err := srv.addAccount("scale-reader", scaleTeam, newID())
	if err != nil {
		b.Fatal(err)
	}

	b.ResetTimer()
	pullStart := time.Now()
	pulled, _, err := srv.pullAll(reader, pullLimit)
	pullTime := time.Since(pullStart)
	if err != nil {
		b.Fatal(err)
	}
	if pulled != scaleTeamRecords {
		b.Fatalf("pulled %d records, want %d", pulled, scaleTeamRecords)
	}

	pushStart := time.Now()
	err = srv.pushAll(accounts, bodies, pushBatch)
	pushTime := time.Since(pushStart)
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}

	pushed := scaleDevices * scaleRounds * pushBatch
	c := scaleCost{records: size, fill: fill, pushed: pushed, pulls: pulled,
		push: pushTime / time.Duration(pushed), pull: pullTime / time.Duration(pulled)}
	b.ReportMetric(float64(c.push.Nanoseconds())/1e3, "µs/change")
	b.ReportMetric(float64(c.pull.Nanoseconds())/1e3, "µs/pulled")
	scaleMu.Lock()
	scaleCosts[size] = c
	scaleMu.Unlock()
}

// fillScale stores size encounters through the store's push path:
// scaleTeamRecords of scaleTeam and the rest spread over the fill teams,
// interleaved. It returns the ids of scaleTeam's records.
func fillScale(srv *server, size int) ([]string, error) {
	teams := []string{scaleTeam}
	for t := range scaleFillTeams {
		teams = append(teams, fmt.Sprintf("fill-%d", t+1))
	}
	// Every batch is one team's; the team of batch n follows a fixed
	// pattern that gives scaleTeam its exact share.
	batches := size / scaleFillBatch
	teamBatches := scaleTeamRecords / scaleFillBatch
	teamOf := func(n int) int {
		if n*teamBatches/batches != (n+1)*teamBatches/batches {
			return 0
		}
		return 1 + n%scaleFillTeams
	}
	var mu sync.Mutex
	var ids []string
	next := 0
	errs := make(chan error, scaleFillDevices)
	var wg sync.WaitGroup
	for d := range scaleFillDevices {
		wg.Go(func() {
			loaders := map[int]*loader{}
			for {
				mu.Lock()
				n := next
				next++
				mu.Unlock()
				if n >= batches {
					return
				}
				t := teamOf(n)
				l := loaders[t]
				if l == nil {
					var err error
					if l, err = newLoader(srv, fmt.Sprintf("filler-%d-%d", d, t), teams[t], uint64(d*100+t)); err != nil {
						errs <- err
						return
					}
					loaders[t] = l
				}
				got, err := l.push(scaleFillBatch)
				if err != nil {
					errs <- err
					return
				}
				if t == 0 {
					mu.Lock()
					for _, r := range got {
						ids = append(ids, r.id)
					}
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		return nil, err
	}
	if len(ids) != scaleTeamRecords {
		return nil, fmt.Errorf("%s got %d records, want %d", scaleTeam, len(ids), scaleTeamRecords)
	}
	return ids, nil
}

// printScale prints the costs of both sizes and their ratio.
func printScale(b *testing.B) {
	scaleMu.Lock()
	defer scaleMu.Unlock()
	small, okS := scaleCosts[10_000]
	large, okL := scaleCosts[1_000_000]
	if !okS || !okL {
		return
	}
	verdict := func(r float64) string {
		if r <= scaleAim {
			return "met"
		}
		return "NOT met"
	}
	pushRatio := float64(large.push) / float64(small.push)
	pullRatio := float64(large.pull) / float64(small.pull)
	fmt.Fprintf(os.Stdout, "\nscaling, cost with 1,000,000 stored records / with 10,000 (aim <= %.1f):\n", scaleAim)
	fmt.Fprintln(os.Stdout, "  machine:", machine.Describe())
	fmt.Fprintf(os.Stdout, "  push  %6.1f µs/change   vs %6.1f µs/change   ratio %.2f  %s  (%d changes, 10 devices)\n",
		us(large.push), us(small.push), pushRatio, verdict(pushRatio), large.pushed)
	fmt.Fprintf(os.Stdout, "  pull  %6.1f µs/record   vs %6.1f µs/record   ratio %.2f  %s  (%d records, limit %d)\n",
		us(large.pull), us(small.pull), pullRatio, verdict(pullRatio), large.pulls, pullLimit)
	fmt.Fprintf(os.Stdout, "  filling took %s (10,000) and %s (1,000,000) through the push path\n",
		small.fill.Round(time.Millisecond), large.fill.Round(time.Millisecond))
	b.ReportMetric(pushRatio, "push_x")
	b.ReportMetric(pullRatio, "pull_x")
}

func us(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }
