// Package machine describes the machine a benchmark runs on, so that
// every printed figure says where it was measured.
package machine

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
)

// Info is what a benchmark prints about its machine.
type Info struct {
	// CPUs is the number of logical CPUs.
	CPUs int
	// Model is the CPU model name from /proc/cpuinfo ("unknown" elsewhere).
	Model string
	// Go is the Go version, OS and architecture.
	Go string
	// LoadAvg is the 1, 5 and 15-minute load average when described.
	LoadAvg string
	// Code is the measured commit (git describe --always --dirty).
	Code string
}

// Describe reads the machine's description now.
func Describe() Info {
	m := Info{CPUs: runtime.NumCPU(), Model: "unknown", Go: runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH, LoadAvg: "unknown", Code: "unknown"}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.Lines(string(b)) {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				m.Model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(b)); len(f) >= 3 {
			m.LoadAvg = strings.Join(f[:3], " ")
		}
	}
	if out, err := exec.Command("git", "describe", "--always", "--dirty").Output(); err == nil {
		m.Code = strings.TrimSpace(string(out))
	}
	return m
}

// String is the one-line form printed under a benchmark's figures.
func (m Info) String() string {
	return fmt.Sprintf("%d CPUs, %s, %s; load average %s; code %s", m.CPUs, m.Model, m.Go, m.LoadAvg, m.Code)
}
