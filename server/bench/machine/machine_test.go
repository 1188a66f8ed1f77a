package machine

import (
	"runtime"
	"strings"
	"testing"
)

func TestDescribe(t *testing.T) {
	m := Describe()
	if m.CPUs != runtime.NumCPU() || !strings.HasPrefix(m.Go, runtime.Version()) {
		t.Fatalf("Describe() = %+v", m)
	}
	if s := m.String(); !strings.Contains(s, m.Model) || !strings.Contains(s, "load average") {
		t.Fatalf("String() = %q", s)
	}
}
