package faultproxy

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type recorder struct {
	mu                   sync.Mutex
	answered, unanswered int
}

func (r *recorder) Answered(*Exchange)   { r.mu.Lock(); r.answered++; r.mu.Unlock() }
func (r *recorder) Unanswered(*Exchange) { r.mu.Lock(); r.unanswered++; r.mu.Unlock() }

func (r *recorder) counts() (int, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.answered, r.unanswered
}

func TestFaults(t *testing.T) {
	var hits, whole atomic.Int32
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return
		}
		if len(b) == 5 {
			whole.Add(1)
		}
		w.Write([]byte(`{"ok":true}`))
	}))
	defer upstream.Close()
	tests := []struct {
		name                 string
		rates                Rates
		kill                 bool
		wantOK               bool
		hits, whole          int32
		answered, unanswered int
		kills                int32
	}{
		{name: "none", wantOK: true, hits: 1, whole: 1, answered: 1},
		{name: "drop", rates: Rates{Drop: 1}},
		{name: "cut request", rates: Rates{CutRequest: 1}, hits: 1, unanswered: 1},
		{name: "cut response", rates: Rates{CutResponse: 1}, hits: 1, whole: 1, answered: 1},
		{name: "lost response", rates: Rates{LostResponse: 1}, hits: 1, whole: 1, answered: 1},
		{name: "duplicate", rates: Rates{Duplicate: 1}, wantOK: true, hits: 2, whole: 2, answered: 2},
		{name: "kill", kill: true, hits: 1, whole: 1, answered: 1, kills: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits.Store(0)
			whole.Store(0)
			var kills atomic.Int32
			ctl := NewController(func() error { kills.Add(1); return nil })
			rec := &recorder{}
			p, err := Start(Options{Upstream: upstream.URL, Rates: tt.rates}, ctl, rec)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			p.SetFaults(true)
			if tt.kill {
				ctl.Arm()
			}
			resp, err := http.Post(p.URL+"/v1/sync/push", "application/json", bytes.NewReader([]byte("hello")))
			ok := err == nil
			if ok {
				_, err = io.ReadAll(resp.Body)
				resp.Body.Close()
				ok = err == nil && resp.StatusCode == http.StatusOK
			}
			// The upstream may finish its side of a broken request a
			// moment after the phone saw the break.
			deadline := time.Now().Add(2 * time.Second)
			for {
				answered, unanswered := rec.counts()
				match := hits.Load() == tt.hits && whole.Load() == tt.whole && kills.Load() == tt.kills &&
					answered == tt.answered && unanswered == tt.unanswered
				if ok == tt.wantOK && match {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("ok %v (err %v), upstream saw %d requests (%d whole), %d kills, answered %d, unanswered %d",
						ok, err, hits.Load(), whole.Load(), kills.Load(), answered, unanswered)
				}
				time.Sleep(10 * time.Millisecond)
			}
		})
	}
}
