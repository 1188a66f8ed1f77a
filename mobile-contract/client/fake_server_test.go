package client

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"urcsync/syncproto"
)

// fakeServer speaks just enough of protocol v1 to exercise the client's
// local logic: login, push with op_id idempotency and field-level merge,
// and cursor-paged pull.
type fakeServer struct {
	t   *testing.T
	srv *httptest.Server

	mu      sync.Mutex
	clock   *syncproto.Clock
	seq     int64
	recs    map[string]*fakeRecord
	ops     map[string]syncproto.PushResult
	pushes  []fakePush
	pulls   []string // cursors asked for
	hook    func(w http.ResponseWriter, r *http.Request, body []byte) bool
	reject  func(ch syncproto.Change) *syncproto.ChangeError
	restamp bool
}

type fakeRecord struct {
	collection, id string
	rec            *syncproto.Record
	pos            int64
}

// fakePush is one push request as received.
type fakePush struct {
	raw     []byte // bytes on the wire
	header  http.Header
	token   string
	request syncproto.PushRequest
	at      time.Time
}

func newFakeServer(t *testing.T) *fakeServer {
	f := &fakeServer{
		t:     t,
		clock: syncproto.NewClock(syncproto.ServerNode, syncproto.HLC{}, nil),
		recs:  map[string]*fakeRecord{},
		ops:   map[string]syncproto.PushResult{},
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeServer) setHook(h func(w http.ResponseWriter, r *http.Request, body []byte) bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hook = h
}

func (f *fakeServer) pushLog() []fakePush {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakePush(nil), f.pushes...)
}

func (f *fakeServer) pullLog() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.pulls...)
}

// put writes fields as the server (another writer) would.
func (f *fakeServer) put(collection, id string, fields map[string]any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	raw := map[string]json.RawMessage{}
	for k, v := range fields {
		b, _ := json.Marshal(v)
		raw[k] = b
	}
	f.apply(collection, id, syncproto.KindUpsert, raw, f.clock.Now().String(), syncproto.ServerNode)
}

// drop forgets a record, as if it left the caller's scope.
func (f *fakeServer) drop(collection, id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.recs, collection+"/"+id)
}

func (f *fakeServer) apply(collection, id, kind string, fields map[string]json.RawMessage, hlc, device string) syncproto.Outcome {
	key := collection + "/" + id
	r := f.recs[key]
	if r == nil {
		r = &fakeRecord{collection: collection, id: id, rec: syncproto.NewRecord()}
		f.recs[key] = r
	}
	f.seq++
	r.pos = f.seq
	return r.rec.Apply(syncproto.Write{Kind: kind, Fields: fields, Stamp: syncproto.Stamp{HLC: hlc, Device: device, Pos: f.seq}})
}

func (f *fakeServer) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	f.mu.Lock()
	hook := f.hook
	if r.URL.Path == "/v1/sync/push" {
		f.pushes = append(f.pushes, fakePush{raw: body, header: r.Header.Clone(),
			token: strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "), at: time.Now()})
	}
	if r.URL.Path == "/v1/sync/pull" {
		f.pulls = append(f.pulls, r.URL.Query().Get("cursor"))
	}
	f.mu.Unlock()
	if hook != nil && hook(w, r, body) {
		return
	}
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			writeError(w, 400, syncproto.CodeInvalidJSON)
			return
		}
		if body, err = io.ReadAll(zr); err != nil {
			writeError(w, 400, syncproto.CodeInvalidJSON)
			return
		}
	}
	switch r.URL.Path {
	case "/v1/auth/login":
		var req syncproto.LoginRequest
		if json.Unmarshal(body, &req) != nil || req.Password != "pw" {
			writeError(w, 401, syncproto.CodeInvalidCredentials)
			return
		}
		f.reply(w, r, syncproto.LoginResponse{Token: "tok-" + req.Username, DeviceID: req.DeviceID,
			User: syncproto.User{ID: "u-" + req.Username, Username: req.Username, Role: syncproto.RoleOfficer, TeamID: "urc-1"}})
	case "/v1/auth/logout":
		w.WriteHeader(http.StatusNoContent)
	case "/v1/sync/push":
		f.servePush(w, r, body)
	case "/v1/sync/pull":
		f.servePull(w, r)
	default:
		writeError(w, 404, syncproto.CodeNotFound)
	}
}

func (f *fakeServer) servePush(w http.ResponseWriter, r *http.Request, body []byte) {
	var req syncproto.PushRequest
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, 400, syncproto.CodeInvalidJSON)
		return
	}
	f.mu.Lock()
	f.pushes[len(f.pushes)-1].request = req
	resp := syncproto.PushResponse{}
	for _, ch := range req.Changes {
		if prev, ok := f.ops[ch.OpID]; ok {
			prev.Status = syncproto.StatusDuplicate
			resp.Results = append(resp.Results, prev)
			continue
		}
		res := syncproto.PushResult{OpID: ch.OpID, Status: syncproto.StatusApplied}
		if f.reject != nil {
			if e := f.reject(ch); e != nil {
				res = syncproto.PushResult{OpID: ch.OpID, Status: syncproto.StatusRejected, Error: e}
				resp.Results = append(resp.Results, res)
				continue
			}
		}
		hlc := ch.HLC
		if f.restamp {
			hlc = f.clock.Now().String()
			res.Restamped = hlc
		} else {
			f.clock.Observe(syncproto.MustParseHLC(hlc))
		}
		out := f.apply(ch.Collection, ch.ID, ch.Kind, ch.Fields, hlc, req.DeviceID)
		res.Superseded = out.Superseded
		f.ops[ch.OpID] = res
		resp.Results = append(resp.Results, res)
	}
	resp.ServerHLC = f.clock.Now().String()
	f.mu.Unlock()
	f.reply(w, r, resp)
}

func (f *fakeServer) servePull(w http.ResponseWriter, r *http.Request) {
	after := int64(0)
	if c := r.URL.Query().Get("cursor"); c != "" {
		n, err := strconv.ParseInt(strings.TrimPrefix(c, "c"), 10, 64)
		if err != nil || !strings.HasPrefix(c, "c") {
			writeError(w, 400, syncproto.CodeInvalidCursor)
			return
		}
		after = n
	}
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	if limit < 1 {
		limit = 500
	}
	f.mu.Lock()
	var changed []*fakeRecord
	for _, rec := range f.recs {
		if rec.pos > after {
			changed = append(changed, rec)
		}
	}
	sort.Slice(changed, func(i, j int) bool { return changed[i].pos < changed[j].pos })
	resp := syncproto.PullResponse{Changes: []syncproto.RecordChange{}, Cursor: fmt.Sprintf("c%d", f.seq)}
	if len(changed) > limit {
		changed = changed[:limit]
		resp.HasMore = true
		resp.Cursor = fmt.Sprintf("c%d", changed[limit-1].pos)
	}
	for _, rec := range changed {
		rc := syncproto.RecordChange{Collection: rec.collection, ID: rec.id, Deleted: rec.rec.Deleted, HLC: rec.rec.HighestHLC()}
		if !rec.rec.Deleted {
			fields := map[string]json.RawMessage{}
			for k, v := range rec.rec.Fields {
				fields[k] = v.Value
			}
			rc.Fields, _ = json.Marshal(fields)
		}
		resp.Changes = append(resp.Changes, rc)
	}
	resp.ServerHLC = f.clock.Now().String()
	f.mu.Unlock()
	f.reply(w, r, resp)
}

// reply writes a JSON answer, gzipped when the client asked for it.
func (f *fakeServer) reply(w http.ResponseWriter, r *http.Request, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		f.t.Errorf("fake server: %v", err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		zw.Write(b)
		zw.Close()
		return
	}
	w.Write(b)
}

func writeError(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(syncproto.ErrorBody{Error: syncproto.ErrorDetail{Code: code, Message: code + " (test)"}})
}

// cutConnection answers nothing: it takes over the connection and closes it.
func cutConnection(t *testing.T, w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	conn.Close()
}

// cutBody sends a 200 header promising more body than it sends, then closes.
func cutBody(t *testing.T, w http.ResponseWriter) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"changes\":[")
	buf.Flush()
	conn.Close()
}
