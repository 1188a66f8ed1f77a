package auth

import (
	"bytes"
	"testing"
	"time"
)

func TestThrottleKeyedByUserAndAddress(t *testing.T) {
	now := time.Unix(1000, 0)
	th := NewThrottle()
	th.Now = func() time.Time { return now }
	for i := range 5 {
		if ok, _ := th.Allow("budi", "10.0.0.9"); !ok {
			t.Fatalf("attempt %d refused within the free failures", i)
		}
		th.Failure("budi", "10.0.0.9")
	}
	ok, wait := th.Allow("budi", "10.0.0.9")
	if !ok || wait != 0 {
		t.Fatalf("5 failures should not yet refuse: ok=%v wait=%v", ok, wait)
	}
	delay := th.Failure("BUDI", "10.0.0.9")
	if delay <= 0 {
		t.Fatal("failures are not slowed down")
	}
	if ok, wait := th.Allow("budi", "10.0.0.9"); ok || wait <= 0 {
		t.Fatalf("6th failure: ok=%v wait=%v, want refused with a wait", ok, wait)
	}
	// The officer at another address, and another user, are unaffected.
	if ok, _ := th.Allow("budi", "10.0.0.1"); !ok {
		t.Fatal("a stranger locked the officer out from another address")
	}
	if ok, _ := th.Allow("sari", "10.0.0.9"); !ok {
		t.Fatal("another username is refused")
	}
	// The refusal ends by itself, and success forgets the failures.
	now = now.Add(10 * time.Minute)
	if ok, _ := th.Allow("budi", "10.0.0.9"); !ok {
		t.Fatal("refusal did not expire")
	}
	th.Success("budi", "10.0.0.9")
	th.Failure("budi", "10.0.0.9")
	if ok, _ := th.Allow("budi", "10.0.0.9"); !ok {
		t.Fatal("success did not reset the failures")
	}
}

func TestPasswordsAndTokens(t *testing.T) {
	h := NewHasher(4)
	hash, err := h.Hash("rahasia-123")
	if err != nil {
		t.Fatal(err)
	}
	if h.Check(hash, "rahasia-123") != nil || h.Check(hash, "rahasia-124") == nil || h.Check("", "anything") == nil {
		t.Fatal("password check wrong")
	}
	tok, th := NewToken()
	tok2, _ := NewToken()
	if len(tok) < 40 || tok == tok2 || !bytes.Equal(th, HashToken(tok)) || bytes.Contains(th, []byte(tok)) {
		t.Fatal("token generation or hashing wrong")
	}
}
