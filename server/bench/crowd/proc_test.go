package crowd

import (
	"bufio"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// selfCPU is the CPU time this test process has used.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// serverMetrics are the few series of the server's /metrics the report
// uses.
type serverMetrics struct {
	commits    float64
	jobs       float64
	seconds    float64
	heapInuse  float64
	goroutines float64
}

// readMetrics scrapes the server's /metrics.
func readMetrics(base string) serverMetrics {
	var s serverMetrics
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return s
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		name, v, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		f, _ := strconv.ParseFloat(v, 64)
		switch name {
		case "urc_group_commit_jobs_count":
			s.commits = f
		case "urc_group_commit_jobs_sum":
			s.jobs = f
		case "urc_group_commit_seconds_sum":
			s.seconds = f
		case "go_memstats_heap_inuse_bytes":
			s.heapInuse = f
		case "go_goroutines":
			s.goroutines = f
		}
	}
	return s
}

// commitStats are the group commits made between two scrapes.
type commitStats struct {
	commits float64
	jobs    float64
	seconds float64
}

func commitsBetween(before, after serverMetrics) commitStats {
	return commitStats{commits: after.commits - before.commits, jobs: after.jobs - before.jobs, seconds: after.seconds - before.seconds}
}

// sampler scrapes the server's heap in use and goroutines every interval
// until stopped, keeping the highest of each.
type sampler struct {
	stop           chan struct{}
	done           chan struct{}
	peakHeap       float64
	peakGoroutines float64
}

func sample(base string, every time.Duration) *sampler {
	s := &sampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-t.C:
				m := readMetrics(base)
				s.peakHeap = max(s.peakHeap, m.heapInuse)
				s.peakGoroutines = max(s.peakGoroutines, m.goroutines)
			}
		}
	}()
	return s
}

// finish stops the sampler and returns the peaks it saw.
func (s *sampler) finish() (heapInuse, goroutines float64) {
	close(s.stop)
	<-s.done
	return s.peakHeap, s.peakGoroutines
}
