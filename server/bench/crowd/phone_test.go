package crowd

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/google/uuid"

	"urcsync/syncproto"
)

// phone is one simulated phone: a logged-in device with its own HLC and
// HTTP connection, no local replica. It remembers the encounters of its
// own that the server applied (to edit them later) and the final cursor
// of its last completed pull.
type phone struct {
	username string
	team     string
	deviceID string
	token    string
	base     string
	client   *http.Client
	clk      *syncproto.Clock
	rng      *rand.Rand
	patrol   string
	mine     []string
	cursor   string
	errs     *tally
	// label prefixes the phone's entries in errs ("push", "alone push"…).
	label string

	pushLat []time.Duration
	pullLat []time.Duration
	pulled  int
}

// newPhone returns a phone of team with its own connection to base.
func newPhone(base, username, team string, seed uint64, errs *tally, label string) *phone {
	dev := newID()
	return &phone{
		username: username, team: team, deviceID: dev, base: base,
		client: &http.Client{Timeout: requestTimeout, Transport: &http.Transport{
			DialContext:         (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConnsPerHost: 1,
		}},
		clk:    syncproto.NewClock(dev, syncproto.HLC{}, nil),
		rng:    rand.New(rand.NewPCG(seed, 0xc20d)),
		patrol: newID(),
		errs:   errs, label: label,
	}
}

// login gets the phone's token; its connection stays open for the sync.
func (p *phone) login() error {
	body, _ := json.Marshal(syncproto.LoginRequest{Username: p.username, Password: password, DeviceID: p.deviceID, DeviceName: "HP " + p.username})
	var resp syncproto.LoginResponse
	if _, err := p.exchange(http.MethodPost, "/v1/auth/login", body, false, &resp); err != nil {
		return fmt.Errorf("login %s: %w", p.username, err)
	}
	p.token = resp.Token
	return nil
}

// batch builds n changes: new encounters, and from the second round on
// every other change an edit of a different one of the phone's own
// earlier encounters. It returns the changes and the new ids.
func (p *phone) batch(n int) ([]syncproto.Change, []string) {
	edits := 0
	if len(p.mine) > 0 {
		edits = min(n/2, len(p.mine))
	}
	pick := p.rng.Perm(len(p.mine))[:edits]
	changes := make([]syncproto.Change, 0, n)
	var created []string
	now := time.Now()
	for k := range n {
		ch := syncproto.Change{OpID: newID(), Collection: "encounters", Kind: syncproto.KindUpsert, BaseCursor: p.cursor}
		if k%2 == 1 && len(pick) > 0 {
			ch.ID, pick = p.mine[pick[0]], pick[1:]
			ch.Fields = editOf(p.rng)
		} else {
			ch.ID = newID()
			ch.Fields = encounterOf(p.rng, p.patrol, now)
			created = append(created, ch.ID)
		}
		ch.HLC = p.clk.Now().String()
		changes = append(changes, ch)
	}
	return changes, created
}

// push sends one batch of n changes and checks that each was applied.
func (p *phone) push(n int) {
	changes, created := p.batch(n)
	body, err := json.Marshal(syncproto.PushRequest{DeviceID: p.deviceID, SentAt: time.Now().UTC().Format(time.RFC3339Nano), Changes: changes})
	if err != nil {
		panic(err)
	}
	var resp syncproto.PushResponse
	d, err := p.exchange(http.MethodPost, "/v1/sync/push", body, true, &resp)
	if err != nil {
		p.errs.add(p.label+" push", err)
		return
	}
	p.pushLat = append(p.pushLat, d)
	if len(resp.Results) != len(changes) {
		p.errs.add(p.label+" push", fmt.Errorf("%d results for %d changes", len(resp.Results), len(changes)))
		return
	}
	applied := map[string]bool{}
	for i, r := range resp.Results {
		if r.Status != syncproto.StatusApplied {
			code := ""
			if r.Error != nil {
				code = r.Error.Code
			}
			p.errs.addKey(fmt.Sprintf("%s push result: %s %s", p.label, r.Status, code), fmt.Sprintf("%+v", r.Error))
			continue
		}
		applied[changes[i].ID] = true
	}
	for _, id := range created {
		if applied[id] {
			p.mine = append(p.mine, id)
		}
	}
	p.observe(resp.ServerHLC)
}

// pull follows the cursor to the end, limit records per page. An error
// ends the pull and keeps the cursor of the last completed one.
func (p *phone) pull(limit int) {
	cursor := p.cursor
	for {
		var resp syncproto.PullResponse
		path := fmt.Sprintf("/v1/sync/pull?limit=%d&cursor=%s", limit, url.QueryEscape(cursor))
		d, err := p.exchange(http.MethodGet, path, nil, false, &resp)
		if err != nil {
			p.errs.add(p.label+" pull", err)
			return
		}
		p.pullLat = append(p.pullLat, d)
		p.pulled += len(resp.Changes)
		p.observe(resp.ServerHLC)
		cursor = resp.Cursor
		if !resp.HasMore {
			p.cursor = cursor
			return
		}
	}
}

// observe moves the phone's clock past a stamp the server sent, which is
// at or above every stamp in the same answer.
func (p *phone) observe(stamp string) {
	if h, err := syncproto.ParseHLC(stamp); err == nil {
		p.clk.Observe(h)
	}
}

// exchange sends one request (a JSON body gzipped when zip is set) and
// decodes a 200 answer into out. The duration runs from the send to the
// last byte of the answer read and decoded.
func (p *phone) exchange(method, path string, body []byte, zip bool, out any) (time.Duration, error) {
	return p.exchangeStatus(method, path, body, zip, http.StatusOK, out)
}

// exchangeStatus is exchange for an answer with status want.
func (p *phone) exchangeStatus(method, path string, body []byte, zip bool, want int, out any) (time.Duration, error) {
	var rd io.Reader
	if body != nil {
		if zip {
			body = gzipBytes(body)
		}
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, p.base+path, rd)
	if err != nil {
		return 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
		if zip {
			req.Header.Set("Content-Encoding", "gzip")
		}
	}
	if p.token != "" {
		req.Header.Set("Authorization", "Bearer "+p.token)
	}
	start := time.Now()
	resp, err := p.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		return 0, readStatusError(resp)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return 0, fmt.Errorf("decode: %w", err)
	}
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// statusError is an answer other than 200.
type statusError struct {
	status     int
	code       string
	message    string
	retryAfter string
}

func (e *statusError) Error() string {
	s := fmt.Sprintf("HTTP %d %s: %s", e.status, e.code, e.message)
	if e.retryAfter != "" {
		s += " (Retry-After " + e.retryAfter + ")"
	}
	return s
}

func readStatusError(resp *http.Response) error {
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	e := &statusError{status: resp.StatusCode, retryAfter: resp.Header.Get("Retry-After")}
	var body syncproto.ErrorBody
	if json.Unmarshal(raw, &body) == nil && body.Error.Code != "" {
		e.code, e.message = body.Error.Code, body.Error.Message
	} else {
		e.message = string(raw)
	}
	return e
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	z := gzip.NewWriter(&buf)
	_, _ = z.Write(b)
	_ = z.Close()
	return buf.Bytes()
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }
