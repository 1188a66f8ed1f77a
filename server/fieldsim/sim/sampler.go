package sim

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"urcsync/server/serverproc"
)

// sampler follows the server process through /proc: its resident memory
// (current and peak) and CPU time, across restarts.
type sampler struct {
	bin, data string

	mu  sync.Mutex
	pid int
	// cpuDone sums the CPU time of processes that ended; cpuNow is the
	// current process's.
	cpuDone, cpuNow time.Duration
	peakRSS, rss    int64
	stop            chan struct{}
	stopOnce        sync.Once
}

func newSampler(bin, data string) *sampler {
	s := &sampler{bin: bin, data: data, stop: make(chan struct{})}
	go func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-t.C:
				s.sample()
			}
		}
	}()
	return s
}

// attach finds the server's (new) process.
func (s *sampler) attach() {
	pid := findProcess(s.bin, s.data)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cpuDone += s.cpuNow
	s.cpuNow = 0
	s.pid = pid
}

// sample reads the process's memory and CPU time.
func (s *sampler) sample() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pid == 0 {
		return
	}
	if rss := serverproc.ProcessStatusKiB(s.pid, "VmRSS"); rss > 0 {
		s.rss = rss << 10
	}
	s.peakRSS = max(s.peakRSS, serverproc.ProcessStatusKiB(s.pid, "VmHWM")<<10)
	if cpu := serverproc.ProcessCPU(s.pid); cpu > 0 {
		s.cpuNow = cpu
	}
}

// close stops sampling and returns the peak and last resident memory and
// the total CPU time.
func (s *sampler) close() (peak, last int64, cpu time.Duration) {
	s.stopOnce.Do(func() {
		s.sample()
		close(s.stop)
	})
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peakRSS, s.rss, s.cpuDone + s.cpuNow
}

// findProcess returns the pid of the process running bin on data, or 0.
func findProcess(bin, data string) int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmd, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		args := strings.Split(strings.TrimRight(string(cmd), "\x00"), "\x00")
		if len(args) == 0 || args[0] != bin {
			continue
		}
		for i, a := range args {
			if a == "--data" && i+1 < len(args) && args[i+1] == data {
				return pid
			}
		}
	}
	return 0
}
