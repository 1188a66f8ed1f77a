package auth

import (
	"strings"
	"sync"
	"time"
)

// Throttle slows down and then refuses repeated failed logins for one
// (username, address) pair. It never locks an account as such: a
// stranger's failures from another address do not affect the officer.
type Throttle struct {
	// Free is how many failures pass without delay.
	Free int
	// Window is how long failures are remembered.
	Window time.Duration
	// MaxWait caps the refusal period.
	MaxWait time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time

	mu    sync.Mutex
	state map[string]*attempts
}

type attempts struct {
	failures int
	last     time.Time
	until    time.Time
}

// NewThrottle returns a throttle with the default policy: 5 free
// failures in 15 minutes, then refusals doubling from 1 s up to 5 min.
func NewThrottle() *Throttle {
	return &Throttle{Free: 5, Window: 15 * time.Minute, MaxWait: 5 * time.Minute}
}

func (t *Throttle) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}

func key(username, addr string) string { return strings.ToLower(username) + "\x00" + addr }

// Allow reports whether a login for (username, addr) may be tried now;
// when not, it returns how long to wait.
func (t *Throttle) Allow(username, addr string) (bool, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	a := t.state[key(username, addr)]
	if a == nil {
		return true, 0
	}
	if wait := a.until.Sub(t.now()); wait > 0 {
		return false, wait
	}
	return true, 0
}

// Failure records a failed login and returns the delay to add to the
// answer, which grows with the failures.
func (t *Throttle) Failure(username, addr string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.state == nil {
		t.state = map[string]*attempts{}
	}
	now := t.now()
	t.gc(now)
	k := key(username, addr)
	a := t.state[k]
	if a == nil || now.Sub(a.last) > t.Window {
		a = &attempts{}
		t.state[k] = a
	}
	a.failures++
	a.last = now
	if over := a.failures - t.Free; over > 0 {
		wait := time.Second << min(over-1, 20)
		a.until = now.Add(min(wait, t.MaxWait))
	}
	return time.Duration(min(a.failures, 10)) * 100 * time.Millisecond
}

// Success forgets the failures of (username, addr).
func (t *Throttle) Success(username, addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.state, key(username, addr))
}

// gc drops entries older than the window; called with the lock held.
func (t *Throttle) gc(now time.Time) {
	if len(t.state) < 10000 {
		return
	}
	for k, a := range t.state {
		if now.Sub(a.last) > t.Window && now.After(a.until) {
			delete(t.state, k)
		}
	}
}
