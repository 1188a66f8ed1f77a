package crowd

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"sync"
)

// tally counts errors by kind, keeping the first message of each kind.
type tally struct {
	mu      sync.Mutex
	counts  map[string]int
	example map[string]string
	order   []string
}

func newTally() *tally {
	return &tally{counts: map[string]int{}, example: map[string]string{}}
}

// add counts err under op and a kind that leaves out what differs from
// one request to the next (URLs, cursors, client ports).
func (t *tally) add(op string, err error) {
	t.addKey(op+": "+kind(err), err.Error())
}

// addKey counts one error of the given kind.
func (t *tally) addKey(key, example string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.counts[key]; !ok {
		t.order = append(t.order, key)
		t.example[key] = example
	}
	t.counts[key]++
}

// total is the number of errors counted.
func (t *tally) total() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, c := range t.counts {
		n += c
	}
	return n
}

// entries lists each kind with its count and first message, in the order
// they first happened.
func (t *tally) entries() []errorEntry {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]errorEntry, 0, len(t.order))
	for _, k := range t.order {
		out = append(out, errorEntry{kind: k, count: t.counts[k], example: t.example[k]})
	}
	return out
}

// errorEntry is one kind of error seen.
type errorEntry struct {
	kind    string
	count   int
	example string
}

func kind(err error) string {
	var se *statusError
	if errors.As(err, &se) {
		return fmt.Sprintf("HTTP %d %s", se.status, se.code)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		prefix := "transport"
		if ue.Timeout() {
			prefix = "transport timeout"
		}
		var oe *net.OpError
		if errors.As(ue.Err, &oe) {
			return fmt.Sprintf("%s: %s %s: %v", prefix, oe.Op, oe.Net, oe.Err)
		}
		return prefix + ": " + ue.Err.Error()
	}
	return err.Error()
}
