package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"urcsync/syncproto"
)

// TestCrashLosesNothingAcknowledged kills the server with SIGKILL in the
// middle of many concurrent pushes, restarts it on the same files, and
// checks that every change that was answered applied is there. Batches
// that got no answer are re-sent: each change is then applied or a
// duplicate, never lost and never doubled.
func TestCrashLosesNothingAcknowledged(t *testing.T) {
	e := startServer(t)
	e.user("budi", "officer", "urc-1")
	e.user("admin", "admin", "kantor")
	const devices = 16
	sessions := make([]*session, devices)
	for i := range sessions {
		sessions[i] = e.login("budi")
	}
	plain := &http.Client{Timeout: 10 * time.Second}

	var mu sync.Mutex
	acked := map[string]string{} // record id → place_description acknowledged
	var unanswered [][]byte
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for d, s := range sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for batch := 0; ; batch++ {
				select {
				case <-stop:
					return
				default:
				}
				changes := make([]map[string]any, 50)
				want := map[string]string{}
				for i := range changes {
					id := newID()
					place := fmt.Sprintf("dev%d-batch%d-%d", d, batch, i)
					changes[i] = s.change("encounters", id, "upsert", encounterFields(map[string]any{"place_description": place}), "")
					want[id] = place
				}
				body, _ := json.Marshal(map[string]any{"device_id": s.device, "changes": changes})
				resp, err := s.send(plain, body)
				if err != nil {
					mu.Lock()
					unanswered = append(unanswered, body)
					mu.Unlock()
					return
				}
				for _, r := range resp.Results {
					if r.Status != syncproto.StatusApplied {
						t.Errorf("result %+v, want applied", r)
					}
				}
				mu.Lock()
				for id, place := range want {
					acked[id] = place
				}
				mu.Unlock()
			}
		}()
	}
	// Let acknowledgements accumulate, then crash.
	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 3000 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	e.srv.Kill()
	close(stop)
	wg.Wait()
	if len(acked) == 0 {
		t.Fatal("no push was acknowledged before the crash")
	}
	if err := e.srv.Restart(); err != nil {
		t.Fatal(err)
	}

	// Phones re-send what got no answer: applied or duplicate, nothing else.
	resent := 0
	for _, body := range unanswered {
		var req syncproto.PushRequest
		json.Unmarshal(body, &req)
		var s *session
		for _, c := range sessions {
			if c.device == req.DeviceID {
				s = c
			}
		}
		resp, err := s.send(plain, body)
		if err != nil {
			t.Fatalf("re-send after restart: %v", err)
		}
		for i, r := range resp.Results {
			if r.Status != syncproto.StatusApplied && r.Status != syncproto.StatusDuplicate {
				t.Fatalf("re-sent change: %+v", r)
			}
			acked[req.Changes[i].ID] = string(bytes.Trim(req.Changes[i].Fields["place_description"], `"`))
			resent++
		}
	}

	got := e.login("admin").pullAll()
	missing := 0
	for id, place := range acked {
		rc, ok := got["encounters/"+id]
		if !ok {
			missing++
			continue
		}
		f, _ := rc.FieldMap()
		if string(f["place_description"]) != `"`+place+`"` {
			t.Errorf("record %s: place %s, want %q", id, f["place_description"], place)
		}
	}
	if missing > 0 {
		t.Fatalf("%d of %d acknowledged records lost in the crash", missing, len(acked))
	}
	if len(got) != len(acked) {
		t.Fatalf("server holds %d records, phones know of %d", len(got), len(acked))
	}
	t.Logf("%d records acknowledged or re-sent (%d re-sent after the crash), all present", len(acked), resent)
}

// send posts a raw push body and decodes a 200 answer.
func (s *session) send(c *http.Client, body []byte) (*syncproto.PushResponse, error) {
	req, _ := http.NewRequest(http.MethodPost, s.e.srv.URL+"/v1/sync/push", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.token)
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	var out syncproto.PushResponse
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, err
	}
	return &out, nil
}
