package faultproxy

import (
	"math/rand/v2"
	"time"
)

// Kind is what the proxy does to one request.
type Kind int

// Fault kinds.
const (
	None Kind = iota
	// Drop closes the phone's connection before anything is forwarded.
	Drop
	// CutRequest forwards part of the request body, then closes both
	// connections.
	CutRequest
	// CutResponse forwards the request, then gives the phone only part
	// of the answer before closing its connection.
	CutResponse
	// LostResponse forwards the request and reads the answer, then closes
	// the phone's connection without a byte of it.
	LostResponse
	// Duplicate delivers the request to the server twice at once.
	Duplicate
	// Kill forwards the request and kills the server (SIGKILL) while it
	// is in flight, restarts it, and closes the phone's connection.
	Kill
	numKinds
)

var kindNames = [...]string{"none", "drop", "cut_request", "cut_response", "lost_response", "duplicate", "kill"}

// String names the kind as reports show it.
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return "unknown"
	}
	return kindNames[k]
}

// Kinds lists the fault kinds (without None), in report order.
func Kinds() []Kind { return []Kind{Drop, CutRequest, CutResponse, LostResponse, Duplicate, Kill} }

// Rates are per-request probabilities of each random fault. Kill is not
// random: the Controller arms it.
type Rates struct {
	Drop         float64 `json:"drop"`
	CutRequest   float64 `json:"cut_request"`
	CutResponse  float64 `json:"cut_response"`
	LostResponse float64 `json:"lost_response"`
	Duplicate    float64 `json:"duplicate"`
}

// DefaultRates give about one request in six a fault.
func DefaultRates() Rates { return RatesFor(0.16) }

// RatesFor spreads a total per-request fault probability over the kinds:
// duplicates a little more often than each of the others.
func RatesFor(total float64) Rates {
	total = min(max(total, 0), 1)
	u := total / 16
	return Rates{Drop: 3 * u, CutRequest: 3 * u, CutResponse: 3 * u, LostResponse: 3 * u, Duplicate: 4 * u}
}

// Link is the phone's connection: a latency per request (plus up to
// Jitter) and a bandwidth cap in bytes per second (0: none).
type Link struct {
	Name      string
	Latency   time.Duration
	Jitter    time.Duration
	Bandwidth int64
}

// transfer is how long n bytes take on the link.
func (l Link) transfer(n int) time.Duration {
	if l.Bandwidth <= 0 || n <= 0 {
		return 0
	}
	return time.Duration(float64(n) / float64(l.Bandwidth) * float64(time.Second))
}

// decision is what happens to one request.
type decision struct {
	kind Kind
	// latency is the link's delay for this request.
	latency time.Duration
	// frac is where a cut falls, as a fraction of the body.
	frac float64
	// killAfter is how long after forwarding starts the server is killed.
	killAfter time.Duration
	// relaySecond picks which of two duplicate answers the phone gets.
	relaySecond bool
}

// maxKillDelay bounds the delay of a mid-request kill: long enough that
// some kills land after the commit, short enough that most land before
// the answer.
const maxKillDelay = 12 * time.Millisecond

// decide draws one decision. It always draws the same number of values,
// whatever the outcome, so one request's fault never shifts the next
// request's draws.
func decide(rng *rand.Rand, rates Rates, link Link, faults, kill bool) decision {
	u, frac, jit, kd, pick := rng.Float64(), rng.Float64(), rng.Float64(), rng.Float64(), rng.IntN(2)
	d := decision{
		latency:     link.Latency + time.Duration(jit*float64(link.Jitter)),
		frac:        0.05 + 0.9*frac,
		killAfter:   time.Duration(kd * float64(maxKillDelay)),
		relaySecond: pick == 1,
	}
	switch {
	case !faults:
		d.latency = 0
	case kill:
		d.kind = Kill
	default:
		for _, c := range []struct {
			p float64
			k Kind
		}{{rates.Drop, Drop}, {rates.CutRequest, CutRequest}, {rates.CutResponse, CutResponse},
			{rates.LostResponse, LostResponse}, {rates.Duplicate, Duplicate}} {
			if u < c.p {
				d.kind = c.k
				break
			}
			u -= c.p
		}
	}
	return d
}
