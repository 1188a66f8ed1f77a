package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"urcsync/mobile-contract/client"
	"urcsync/mobile-contract/contracttest"
	"urcsync/server/serverproc"
	"urcsync/syncproto"
)

// serverBin is the server binary built once for the whole package.
var serverBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "urc-e2e-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	serverBin, err = serverproc.Build(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const password = "rahasia-123"

// env is one running server with its data directory.
type env struct {
	t   *testing.T
	srv *serverproc.Server
	dir string
}

// startServer runs the server on a fresh data directory.
func startServer(t *testing.T, extraEnv ...string) *env {
	t.Helper()
	dir := t.TempDir()
	srv, err := serverproc.Start(serverBin, filepath.Join(dir, "data"), append([]string{"URC_BCRYPT_COST=4"}, extraEnv...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Stop()
		if t.Failed() {
			if b, err := os.ReadFile(filepath.Join(srv.DataDir, "server.log")); err == nil {
				t.Logf("server log:\n%s", lastBytes(b, 4000))
			}
		}
	})
	return &env{t: t, srv: srv, dir: dir}
}

func lastBytes(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

// user creates a user through the server's own command.
func (e *env) user(name, role, team string) {
	e.t.Helper()
	if err := serverproc.AddUser(context.Background(), serverBin, e.srv.DataDir, name, password, role, team); err != nil {
		e.t.Fatal(err)
	}
}

// httpClient checks every exchange against the contract.
func (e *env) httpClient() *http.Client { return e.httpClientWith(http.DefaultTransport) }

func (e *env) httpClientWith(base http.RoundTripper) *http.Client {
	c := contracttest.Client(e.t, base)
	c.Timeout = time.Minute
	return c
}

// phone opens a reference client (its own SQLite file) logged in as user.
func (e *env) phone(user string, opt client.Options) *client.Client {
	e.t.Helper()
	if opt.HTTPClient == nil {
		opt.HTTPClient = e.httpClient()
	}
	if opt.Backoff == 0 {
		opt.Backoff = 20 * time.Millisecond
	}
	c, err := client.Open(filepath.Join(e.dir, "phone-"+uuid.NewString()+".db"), e.srv.URL, opt)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { c.Close() })
	if _, err := c.Login(context.Background(), user, password, "HP "+user); err != nil {
		e.t.Fatalf("login %s: %v", user, err)
	}
	return c
}

// session is a raw HTTP caller with a token, for what the client does not do.
type session struct {
	e      *env
	token  string
	device string
	user   syncproto.User
}

func (e *env) login(user string) *session {
	e.t.Helper()
	dev := uuid.Must(uuid.NewV7()).String()
	var resp syncproto.LoginResponse
	st := e.call("", http.MethodPost, "/v1/auth/login", syncproto.LoginRequest{Username: user, Password: password, DeviceID: dev, DeviceName: "laptop"}, &resp)
	if st != http.StatusOK {
		e.t.Fatalf("login %s: status %d", user, st)
	}
	return &session{e: e, token: resp.Token, device: dev, user: resp.User}
}

// call sends a JSON request (body nil for none) and decodes the answer
// into out (when not nil); it returns the status.
func (e *env) call(token, method, path string, body, out any) int {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	return e.raw(token, method, path, rd, map[string]string{"Content-Type": "application/json"}, out)
}

func (e *env) raw(token, method, path string, body io.Reader, headers map[string]string, out any) int {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := e.httpClient().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(b, out); err != nil {
			e.t.Fatalf("%s %s: %d %q: %v", method, path, resp.StatusCode, lastBytes(b, 200), err)
		}
	}
	return resp.StatusCode
}

// errorCode calls and returns status and error code.
func (e *env) errorCode(token, method, path string, body any) (int, string) {
	e.t.Helper()
	var eb syncproto.ErrorBody
	st := e.call(token, method, path, body, &eb)
	return st, eb.Error.Code
}

func (s *session) push(changes ...map[string]any) (int, *syncproto.PushResponse) {
	s.e.t.Helper()
	var resp syncproto.PushResponse
	st := s.e.call(s.token, http.MethodPost, "/v1/sync/push", map[string]any{"device_id": s.device, "sent_at": time.Now().UTC().Format(time.RFC3339Nano), "changes": changes}, &resp)
	return st, &resp
}

func (s *session) change(collection, id, kind string, fields map[string]any, hlc string) map[string]any {
	if hlc == "" {
		hlc = syncproto.HLC{Millis: time.Now().UnixMilli(), Node: s.device}.String()
	}
	c := map[string]any{"op_id": uuid.Must(uuid.NewV7()).String(), "collection": collection, "id": id, "kind": kind, "hlc": hlc, "base_cursor": ""}
	if fields != nil {
		c["fields"] = fields
	}
	return c
}

// pullAll follows cursors to the end as this session.
func (s *session) pullAll() map[string]syncproto.RecordChange {
	s.e.t.Helper()
	out := map[string]syncproto.RecordChange{}
	cursor := ""
	for {
		var resp syncproto.PullResponse
		if st := s.e.call(s.token, http.MethodGet, "/v1/sync/pull?limit=1000&cursor="+cursor, nil, &resp); st != http.StatusOK {
			s.e.t.Fatalf("pull: status %d", st)
		}
		for _, c := range resp.Changes {
			out[c.Collection+"/"+c.ID] = c
		}
		cursor = resp.Cursor
		if !resp.HasMore {
			return out
		}
	}
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

func encounterFields(extra map[string]any) map[string]any {
	f := map[string]any{"category": "anak_jalanan", "lat": 3.5952, "lon": 98.6722}
	for k, v := range extra {
		f[k] = v
	}
	return f
}
