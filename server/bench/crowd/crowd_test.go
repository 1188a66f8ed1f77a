package crowd

import (
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"urcsync/server/bench/machine"
	"urcsync/server/serverproc"
)

const (
	// phones phones in teams teams sync at once, rounds times each: one
	// push of batchSize changes, then a pull to the end, pullLimit
	// records per page.
	phones    = 1000
	teams     = 20
	rounds    = 3
	batchSize = 10
	pullLimit = 500

	// aloneRounds is how many times the lone phone pushes and pulls
	// before the crowd starts. Before each of its rounds a teammate
	// pushes feederBatch changes, as many as the other phones of a
	// crowd team push in one round, so that its pulls carry about as
	// many records as a crowd phone's.
	aloneRounds = 20
	feederBatch = (phones/teams - 1) * batchSize

	// setupWorkers bounds the concurrency of user creation and logins.
	setupWorkers = 16
	// requestTimeout is every phone's HTTP client timeout.
	requestTimeout = 60 * time.Second
	// sampleEvery is how often the server's heap is read during the
	// crowd's sync.
	sampleEvery = 250 * time.Millisecond

	password  = "rahasia-123"
	adminName = "admin"
)

// TestMain prints the table of figures after the benchmark.
func TestMain(m *testing.M) {
	code := m.Run()
	printTable(os.Stdout)
	os.Exit(code)
}

// BenchmarkCrowd measures 1,000 phones pushing and pulling at the same
// moment against one real server process (a fresh data directory per
// iteration), against the same push and pull made by one phone alone on
// the same server just before. Only the crowd's sync is timed.
func BenchmarkCrowd(b *testing.B) {
	bin, err := serverproc.Build(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	mach := machine.Describe()
	b.ResetTimer()
	b.StopTimer()
	for range b.N {
		r, err := runCrowd(b, bin)
		if err != nil {
			b.Fatal(err)
		}
		r.machine = mach
		r.report(b)
		record(r)
	}
}

// runCrowd starts a server, creates and logs in the phones, measures the
// lone phone and then the crowd.
func runCrowd(b *testing.B, bin string) (*result, error) {
	dir := b.TempDir()
	srv, err := startServer(bin, dir)
	if err != nil {
		return nil, err
	}
	defer srv.Stop()

	r := &result{errs: newTally()}
	crowd := make([]*phone, phones)
	for i := range crowd {
		crowd[i] = newPhone(srv.URL, fmt.Sprintf("petugas%04d", i+1), fmt.Sprintf("urc-%d", i%teams+1), uint64(i+1), r.errs, "crowd")
	}
	lone := newPhone(srv.URL, "sendiri", "urc-alone", 1<<20, r.errs, "alone")
	feeder := newPhone(srv.URL, "rekan", "urc-alone", 1<<21, r.errs, "feeder")
	all := append(append([]*phone{}, crowd...), lone, feeder)
	defer func() {
		for _, p := range all {
			p.client.CloseIdleConnections()
		}
	}()

	start := time.Now()
	if err := createOfficers(srv.URL, all); err != nil {
		return nil, err
	}
	r.createTime = time.Since(start)
	start = time.Now()
	if err := loginAll(all); err != nil {
		return nil, err
	}
	r.loginTime = time.Since(start)

	start = time.Now()
	for range aloneRounds {
		feeder.push(feederBatch)
		lone.push(batchSize)
		lone.pull(pullLimit)
	}
	r.aloneTime = time.Since(start)
	r.alone = collect([]*phone{lone})

	r.idleRSS = srv.RSS()
	r.peakReset = srv.ResetPeakRSS()
	metrics0, serverCPU0, selfCPU0 := readMetrics(srv.URL), srv.CPU(), selfCPU()
	r.idleHeap = metrics0.heapInuse

	var ready, done sync.WaitGroup
	gate := make(chan struct{})
	for _, p := range crowd {
		ready.Add(1)
		done.Go(func() {
			ready.Done()
			<-gate
			for range rounds {
				p.push(batchSize)
				p.pull(pullLimit)
			}
		})
	}
	ready.Wait()
	peaks := sample(srv.URL, sampleEvery)
	b.StartTimer()
	start = time.Now()
	close(gate)
	done.Wait()
	r.wall = time.Since(start)
	b.StopTimer()
	r.peakHeap, r.peakGoroutines = peaks.finish()

	r.peakRSS = srv.PeakRSS()
	r.serverCPU, r.selfCPU = srv.CPU()-serverCPU0, selfCPU()-selfCPU0
	r.commits = commitsBetween(metrics0, readMetrics(srv.URL))
	r.crowd = collect(crowd)
	if srv.Exited() {
		return nil, fmt.Errorf("the server exited during the run; see %s/data/server.log", dir)
	}
	return r, nil
}
