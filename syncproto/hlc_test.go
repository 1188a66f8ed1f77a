package syncproto

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

const devA = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"

func TestParseHLC(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
		ok   bool
	}{
		{"OK", "1764230400123-00000-" + devA, "1764230400123-00000-" + devA, true},
		{"UppercaseNode", "1764230400123-00042-" + strings.ToUpper(devA), "1764230400123-00042-" + devA, true},
		{"Server", "0000000000001-99999-" + ServerNode, "0000000000001-99999-" + ServerNode, true},
		{"ErrShortTime", "176423040012-00000-" + devA, "", false},
		{"ErrSign", "-764230400123-00000-" + devA, "", false},
		{"ErrCounterLetters", "1764230400123-0000a-" + devA, "", false},
		{"ErrNodeNotUUID", "1764230400123-00000-not-a-uuid-at-all-xxxxxxxxxxxxxxxxx", "", false},
		{"ErrSeparators", "1764230400123_00000_" + devA, "", false},
		{"ErrEmpty", "", "", false},
		{"ErrTrailing", "1764230400123-00000-" + devA + "x", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := ParseHLC(tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("ParseHLC(%q) error = %v, want ok=%v", tt.in, err, tt.ok)
			}
			if tt.ok && h.String() != tt.want {
				t.Fatalf("String() = %q, want %q", h.String(), tt.want)
			}
		})
	}
}

func TestHLCTextOrderIsTotalOrder(t *testing.T) {
	a := HLC{Millis: 1000, Counter: 5, Node: devA}
	b := HLC{Millis: 1000, Counter: 10, Node: devA}
	c := HLC{Millis: 999, Counter: 99999, Node: devA}
	d := HLC{Millis: 1000, Counter: 5, Node: ServerNode}
	for _, pair := range [][2]HLC{{a, b}, {c, a}, {d, a}, {c, d}} {
		x, y := pair[0], pair[1]
		if x.Compare(y) >= 0 || x.String() >= y.String() {
			t.Errorf("%s should sort before %s (Compare=%d)", x, y, x.Compare(y))
		}
	}
}

type fakeWall struct{ t time.Time }

func (f *fakeWall) now() time.Time { return f.t }

func TestClockNowIsMonotonicWhenWallGoesBack(t *testing.T) {
	w := &fakeWall{t: time.UnixMilli(5000)}
	c := NewClock(devA, HLC{}, w.now)
	first := c.Now()
	w.t = time.UnixMilli(1000) // the phone's clock was set back
	second := c.Now()
	if second.Compare(first) <= 0 {
		t.Fatalf("second stamp %s not above first %s", second, first)
	}
	if second.Millis != 5000 || second.Counter != 1 {
		t.Fatalf("got %s, want time kept at 5000 with counter 1", second)
	}
	w.t = time.UnixMilli(6000)
	if third := c.Now(); third.Millis != 6000 || third.Counter != 0 {
		t.Fatalf("got %s, want wall time 6000 and counter reset", third)
	}
}

func TestClockObserve(t *testing.T) {
	w := &fakeWall{t: time.UnixMilli(1000)}
	c := NewClock(ServerNode, HLC{}, w.now)
	remote := HLC{Millis: 9000, Counter: 7, Node: devA}
	got := c.Observe(remote)
	if got.Millis != 9000 || got.Counter != 8 || got.Compare(remote) <= 0 {
		t.Fatalf("Observe(%s) = %s, want 9000/8 above the remote", remote, got)
	}
	// Same time on both sides: counter is max+1.
	got = c.Observe(HLC{Millis: 9000, Counter: 20, Node: devA})
	if got.Counter != 21 {
		t.Fatalf("counter = %d, want 21", got.Counter)
	}
	// A remote stamp in the past only bumps our counter.
	got = c.Observe(HLC{Millis: 10, Node: devA})
	if got.Millis != 9000 || got.Counter != 22 {
		t.Fatalf("got %s, want 9000/22", got)
	}
	// Wall clock ahead of everything resets the counter.
	w.t = time.UnixMilli(20000)
	if got = c.Observe(HLC{Millis: 10, Node: devA}); got.Millis != 20000 || got.Counter != 0 {
		t.Fatalf("got %s, want 20000/0", got)
	}
}

func TestClockCounterOverflowAdvancesTime(t *testing.T) {
	w := &fakeWall{t: time.UnixMilli(1000)}
	c := NewClock(devA, HLC{Millis: 1000, Counter: MaxCounter, Node: devA}, w.now)
	got := c.Now()
	if got.Millis != 1001 || got.Counter != 0 {
		t.Fatalf("got %s, want 1001/0", got)
	}
	got = c.Observe(HLC{Millis: 1001, Counter: MaxCounter, Node: devA})
	if got.Millis != 1002 || got.Counter != 0 {
		t.Fatalf("got %s, want 1002/0", got)
	}
}

func TestClockResumesAfterRestart(t *testing.T) {
	w := &fakeWall{t: time.UnixMilli(100)}
	saved := HLC{Millis: 5000, Counter: 3, Node: devA}
	c := NewClock(devA, saved, w.now)
	if got := c.Now(); got.Compare(saved) <= 0 {
		t.Fatalf("stamp %s after restart is not above saved %s", got, saved)
	}
}

func FuzzParseHLC(f *testing.F) {
	f.Add("1764230400123-00000-" + devA)
	f.Add("0000000000000-00000-" + ServerNode)
	f.Add("garbage")
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseHLC(s)
		if err != nil {
			return
		}
		back, err := ParseHLC(h.String())
		if err != nil || back != h {
			t.Fatalf("round trip of %q: %v %v", s, back, err)
		}
		if !strings.EqualFold(h.String(), s) {
			t.Fatalf("String() = %q differs from input %q beyond case", h.String(), s)
		}
	})
}

// The fixed-width text is what the format verbs write, for every stamp a
// clock can issue and at the edges of the widths.
func TestHLCStringIsFixedWidth(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	stamps := []HLC{
		{Millis: 1, Node: ServerNode}, {Millis: maxWallMillis, Counter: MaxCounter, Node: ServerNode},
		{Millis: 1764230400123, Counter: 0, Node: "0190a1b2-c3d4-7e5f-8a9b-000000000001"},
		{Millis: -5, Counter: 3, Node: ServerNode}, {Millis: 7, Counter: MaxCounter + 1, Node: ServerNode},
	}
	for range 2000 {
		stamps = append(stamps, HLC{Millis: rng.Int64N(maxWallMillis + 1), Counter: rng.IntN(MaxCounter + 1), Node: ServerNode})
	}
	for _, h := range stamps {
		if got, want := h.String(), fmt.Sprintf("%013d-%05d-%s", h.Millis, h.Counter, h.Node); got != want {
			t.Fatalf("%+v.String() = %q, want %q", h, got, want)
		}
	}
}
