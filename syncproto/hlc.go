package syncproto

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// ServerNode is the node id of stamps issued by the server.
const ServerNode = "00000000-0000-0000-0000-000000000000"

// MaxCounter is the largest logical counter a stamp can carry; a clock
// that would pass it advances its time by one millisecond instead.
const MaxCounter = 99999

const (
	hlcTimeWidth    = 13
	hlcCounterWidth = 5
	uuidWidth       = 36
	hlcWidth        = hlcTimeWidth + 1 + hlcCounterWidth + 1 + uuidWidth
	maxWallMillis   = 9999999999999
)

// ErrInvalidHLC is returned by ParseHLC for text that is not a stamp.
var ErrInvalidHLC = errors.New("syncproto: invalid HLC stamp")

// HLC is one hybrid logical clock stamp. Its text form,
// WWWWWWWWWWWWW-CCCCC-NODE, has fixed widths so that comparing two stamps
// as strings orders them by (wall time, counter, node).
type HLC struct {
	// Millis is the Unix time in milliseconds.
	Millis int64
	// Counter is the logical counter, 0..MaxCounter.
	Counter int
	// Node is the lowercase UUID of the device (or ServerNode).
	Node string
}

// ParseHLC parses the text form of a stamp. The node may be in any case;
// it is lowercased.
func ParseHLC(s string) (HLC, error) {
	if len(s) != hlcWidth || s[hlcTimeWidth] != '-' || s[hlcTimeWidth+1+hlcCounterWidth] != '-' {
		return HLC{}, ErrInvalidHLC
	}
	ms, ok := parseDigits(s[:hlcTimeWidth])
	if !ok {
		return HLC{}, ErrInvalidHLC
	}
	c, ok := parseDigits(s[hlcTimeWidth+1 : hlcTimeWidth+1+hlcCounterWidth])
	if !ok {
		return HLC{}, ErrInvalidHLC
	}
	node, ok := CanonicalUUID(s[hlcTimeWidth+1+hlcCounterWidth+1:])
	if !ok {
		return HLC{}, ErrInvalidHLC
	}
	return HLC{Millis: ms, Counter: int(c), Node: node}, nil
}

// MustParseHLC is ParseHLC for stamps known to be valid; it panics otherwise.
func MustParseHLC(s string) HLC {
	h, err := ParseHLC(s)
	if err != nil {
		panic(fmt.Sprintf("syncproto: MustParseHLC(%q): %v", s, err))
	}
	return h
}

func parseDigits(s string) (int64, bool) {
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// String returns the fixed-width text form of the stamp.
func (h HLC) String() string {
	if h.IsZero() {
		return ""
	}
	if h.Millis < 0 || h.Millis > maxWallMillis || h.Counter < 0 || h.Counter > MaxCounter {
		return fmt.Sprintf("%013d-%05d-%s", h.Millis, h.Counter, h.Node)
	}
	b := make([]byte, hlcWidth-uuidWidth, hlcWidth-uuidWidth+len(h.Node))
	putDigits(b[:hlcTimeWidth], h.Millis)
	b[hlcTimeWidth] = '-'
	putDigits(b[hlcTimeWidth+1:hlcTimeWidth+1+hlcCounterWidth], int64(h.Counter))
	b[hlcTimeWidth+1+hlcCounterWidth] = '-'
	return string(append(b, h.Node...))
}

// putDigits writes n, which fits, into b in decimal, zero-padded.
func putDigits(b []byte, n int64) {
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
}

// IsZero reports whether h is the zero stamp (no stamp at all).
func (h HLC) IsZero() bool { return h.Millis == 0 && h.Counter == 0 && h.Node == "" }

// Compare orders stamps by (time, counter, node); it agrees with comparing
// their text forms.
func (h HLC) Compare(o HLC) int {
	switch {
	case h.Millis != o.Millis:
		return cmpInt(h.Millis, o.Millis)
	case h.Counter != o.Counter:
		return cmpInt(int64(h.Counter), int64(o.Counter))
	default:
		return strings.Compare(h.Node, o.Node)
	}
}

// Time returns the wall-clock part of the stamp.
func (h HLC) Time() time.Time { return time.UnixMilli(h.Millis).UTC() }

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Clock issues HLC stamps for one node. It is safe for concurrent use.
type Clock struct {
	mu   sync.Mutex
	node string
	last HLC
	wall func() time.Time
}

// NewClock returns a clock for node that continues after last (the last
// stamp the node issued or observed, possibly zero) and reads wall time
// from wall (time.Now when nil).
func NewClock(node string, last HLC, wall func() time.Time) *Clock {
	if wall == nil {
		wall = time.Now
	}
	return &Clock{node: node, last: HLC{Millis: last.Millis, Counter: last.Counter, Node: node}, wall: wall}
}

// Now issues a stamp for a local event: time' = max(time, wall), counter
// incremented when time did not move, else reset to 0.
func (c *Clock) Now() HLC {
	c.mu.Lock()
	defer c.mu.Unlock()
	pt := c.wall().UnixMilli()
	if pt > c.last.Millis {
		c.last = HLC{Millis: pt, Node: c.node}
	} else {
		c.last = bump(c.last.Millis, c.last.Counter+1, c.node)
	}
	return c.last
}

// Observe merges a received stamp into the clock (the receive rule of the
// HLC paper) and returns the clock's new stamp, which is above r.
func (c *Clock) Observe(r HLC) HLC {
	c.mu.Lock()
	defer c.mu.Unlock()
	pt := c.wall().UnixMilli()
	l := max(c.last.Millis, r.Millis, pt)
	var n int
	switch {
	case l == c.last.Millis && l == r.Millis:
		n = max(c.last.Counter, r.Counter) + 1
	case l == c.last.Millis:
		n = c.last.Counter + 1
	case l == r.Millis:
		n = r.Counter + 1
	default:
		n = 0
	}
	c.last = bump(l, n, c.node)
	return c.last
}

// Last returns the most recent stamp issued or observed (zero if none).
func (c *Clock) Last() HLC {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.last.Millis == 0 && c.last.Counter == 0 {
		return HLC{}
	}
	return c.last
}

// bump builds a stamp, advancing time by 1 ms when the counter overflows.
func bump(ms int64, counter int, node string) HLC {
	if counter > MaxCounter {
		return HLC{Millis: ms + 1, Node: node}
	}
	return HLC{Millis: ms, Counter: counter, Node: node}
}
