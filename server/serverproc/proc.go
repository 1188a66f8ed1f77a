package serverproc

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// RSS returns the running server's resident memory in KiB (VmRSS of
// /proc/PID/status), 0 when it cannot be read.
func (s *Server) RSS() int64 { return ProcessStatusKiB(s.PID(), "VmRSS") }

// PeakRSS returns the running server's peak resident memory in KiB
// (VmHWM), 0 when it cannot be read.
func (s *Server) PeakRSS() int64 { return ProcessStatusKiB(s.PID(), "VmHWM") }

// ResetPeakRSS sets the server's peak resident memory back to its current
// resident memory, so that PeakRSS measures from now on.
func (s *Server) ResetPeakRSS() error {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", s.PID()), []byte("5"), 0)
}

// CPU returns the user plus system CPU time the running server has used.
func (s *Server) CPU() time.Duration { return ProcessCPU(s.PID()) }

// ProcessStatusKiB reads a field given in kB (VmRSS, VmHWM, …) of
// /proc/PID/status, 0 when it cannot be read.
func ProcessStatusKiB(pid int, field string) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

// userHz is the unit of the CPU times in /proc/PID/stat on Linux.
const userHz = 100

// ProcessCPU returns the user plus system CPU time a process has used,
// from /proc/PID/stat; 0 when it cannot be read.
func ProcessCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	// The command name, in parentheses, may contain spaces.
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / userHz
}
