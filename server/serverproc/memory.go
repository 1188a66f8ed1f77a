package serverproc

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// RSS returns the running server's resident memory in KiB (VmRSS of
// /proc/PID/status), 0 when it cannot be read.
func (s *Server) RSS() int64 { return procStatusKiB(s.PID(), "VmRSS") }

// PeakRSS returns the running server's peak resident memory in KiB
// (VmHWM), 0 when it cannot be read.
func (s *Server) PeakRSS() int64 { return procStatusKiB(s.PID(), "VmHWM") }

// ResetPeakRSS sets the server's peak resident memory back to its current
// resident memory, so that PeakRSS measures from now on.
func (s *Server) ResetPeakRSS() error {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", s.PID()), []byte("5"), 0)
}

// procStatusKiB reads a field given in kB of /proc/PID/status.
func procStatusKiB(pid int, field string) int64 {
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
