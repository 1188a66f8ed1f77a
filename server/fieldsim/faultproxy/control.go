package faultproxy

import (
	"net/http"
	"sort"
	"sync"
	"time"
)

// Controller is shared by all proxies: it arms and performs kills of the
// server, and counts faults and answer times.
type Controller struct {
	killMu      sync.Mutex
	killRestart func() error

	mu         sync.Mutex
	armed      int
	faults     map[Kind]int
	requests   int
	transports []*http.Transport
	latency    map[string][]time.Duration
	killErr    error
}

// NewController returns a controller that kills and restarts the server
// with killRestart.
func NewController(killRestart func() error) *Controller {
	return &Controller{killRestart: killRestart, faults: map[Kind]int{}, latency: map[string][]time.Duration{}}
}

// Arm makes the next request through any enabled proxy kill the server
// while it is in flight.
func (c *Controller) Arm() {
	c.mu.Lock()
	c.armed++
	c.mu.Unlock()
}

// Disarm cancels kills armed and not yet performed, and returns how many.
func (c *Controller) Disarm() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.armed
	c.armed = 0
	return n
}

func (c *Controller) takeArmed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.armed == 0 {
		return false
	}
	c.armed--
	return true
}

// KillRestart kills the server with SIGKILL, starts it again on the same
// data and port, and drops every idle connection to the old process.
func (c *Controller) KillRestart() error {
	c.killMu.Lock()
	defer c.killMu.Unlock()
	err := c.killRestart()
	c.mu.Lock()
	ts := append([]*http.Transport(nil), c.transports...)
	if err != nil && c.killErr == nil {
		c.killErr = err
	}
	c.mu.Unlock()
	for _, t := range ts {
		t.CloseIdleConnections()
	}
	return err
}

// KillError returns the first failure to restart the server, if any.
func (c *Controller) KillError() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.killErr
}

// Track adds a transport whose idle connections are dropped on restart.
func (c *Controller) Track(t *http.Transport) {
	c.mu.Lock()
	c.transports = append(c.transports, t)
	c.mu.Unlock()
}

func (c *Controller) count(k Kind) {
	c.mu.Lock()
	c.requests++
	if k != None {
		c.faults[k]++
	}
	c.mu.Unlock()
}

func (c *Controller) observe(class string, d time.Duration) {
	c.mu.Lock()
	c.latency[class] = append(c.latency[class], d)
	c.mu.Unlock()
}

// Faults returns how many faults of each kind were injected.
func (c *Controller) Faults() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]int{}
	for _, k := range Kinds() {
		out[k.String()] = c.faults[k]
	}
	return out
}

// Requests returns how many requests the proxies received from phones.
func (c *Controller) Requests() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.requests
}

// Latency summarises how long the server took to answer, by class of
// request (push, pull, upload, login, other), from the moment the proxy
// began forwarding to the last byte of the answer.
type Latency struct {
	Count int           `json:"count"`
	P50   time.Duration `json:"p50_ns"`
	P95   time.Duration `json:"p95_ns"`
	P99   time.Duration `json:"p99_ns"`
	Max   time.Duration `json:"max_ns"`
	// Total is the sum of all answer times.
	Total time.Duration `json:"total_ns"`
}

// Latencies returns the answer times by class.
func (c *Controller) Latencies() map[string]Latency {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]Latency{}
	for class, ds := range c.latency {
		s := append([]time.Duration(nil), ds...)
		sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
		q := func(p float64) time.Duration { return s[min(len(s)-1, int(p*float64(len(s))))] }
		var total time.Duration
		for _, d := range s {
			total += d
		}
		out[class] = Latency{Count: len(s), P50: q(0.50), P95: q(0.95), P99: q(0.99), Max: s[len(s)-1], Total: total}
	}
	return out
}
