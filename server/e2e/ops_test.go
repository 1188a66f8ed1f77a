package e2e

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"database/sql"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"urcsync/syncproto"
)

func TestOperationalEndpoints(t *testing.T) {
	e := startServer(t)
	e.user("budi", "officer", "urc-1")
	s := e.login("budi")
	s.push(s.change("encounters", newID(), "upsert", encounterFields(nil), ""))

	var health map[string]string
	if st := e.call("", "GET", "/healthz", nil, &health); st != 200 || health["status"] != "ok" {
		t.Fatalf("healthz: %d %v", st, health)
	}
	if st := e.call("", "GET", "/readyz", nil, &health); st != 200 || health["status"] != "ready" {
		t.Fatalf("readyz: %d %v", st, health)
	}
	resp, err := http.Get(e.srv.URL + "/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Contains(doc, []byte("openapi: 3.1")) || !bytes.Contains(doc, []byte("/v1/sync/push")) {
		t.Fatalf("openapi.yaml: %d, %d bytes", resp.StatusCode, len(doc))
	}
	resp, err = http.Get(e.srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`urc_push_ops_total{status="applied"} 1`, "urc_push_requests_total 1", "urc_pull_records_total",
		"urc_http_request_duration_seconds_bucket", "urc_group_commit_jobs_bucket"} {
		if !bytes.Contains(metrics, []byte(want)) {
			t.Errorf("metrics lack %q", want)
		}
	}
	for _, leak := range []string{"budi", "urc-1", s.device} {
		if bytes.Contains(metrics, []byte(leak)) {
			t.Errorf("metrics carry %q", leak)
		}
	}
}

// TestGzipBothWays pushes a gzip body and reads gzip answers.
func TestGzipBothWays(t *testing.T) {
	e := startServer(t)
	e.user("budi", "officer", "urc-1")
	s := e.login("budi")
	id := newID()
	body, _ := json.Marshal(map[string]any{"device_id": s.device, "changes": []any{s.change("encounters", id, "upsert", encounterFields(nil), "")}})
	var zb bytes.Buffer
	zw := gzip.NewWriter(&zb)
	zw.Write(body)
	zw.Close()
	req, _ := http.NewRequest("POST", e.srv.URL+"/v1/sync/push", &zb)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Content-Encoding", "gzip")
	req.Header.Set("Accept-Encoding", "gzip")
	req.Header.Set("Authorization", "Bearer "+s.token)
	tr := &http.Transport{DisableCompression: true}
	resp, err := e.httpClientWith(tr).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("status %d, Content-Encoding %q", resp.StatusCode, resp.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var out syncproto.PushResponse
	if err := json.NewDecoder(zr).Decode(&out); err != nil || out.Results[0].Status != syncproto.StatusApplied {
		t.Fatalf("answer %+v %v", out, err)
	}

	// Pull pages come compressed only to a client that asks.
	for _, accept := range []string{"gzip", ""} {
		req, _ := http.NewRequest("GET", e.srv.URL+"/v1/sync/pull", nil)
		req.Header.Set("Authorization", "Bearer "+s.token)
		if accept != "" {
			req.Header.Set("Accept-Encoding", accept)
		}
		resp, err := e.httpClientWith(&http.Transport{DisableCompression: true}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body io.Reader = resp.Body
		if got := resp.Header.Get("Content-Encoding"); got != accept {
			t.Fatalf("pull with Accept-Encoding %q: Content-Encoding %q", accept, got)
		}
		if accept == "gzip" {
			if body, err = gzip.NewReader(resp.Body); err != nil {
				t.Fatal(err)
			}
		}
		var page syncproto.PullResponse
		err = json.NewDecoder(body).Decode(&page)
		resp.Body.Close()
		if err != nil || len(page.Changes) != 1 || page.Changes[0].ID != id {
			t.Fatalf("pull with Accept-Encoding %q: %+v %v", accept, page, err)
		}
	}
}

// TestGracefulShutdown: SIGTERM lets the server finish and exit cleanly,
// and the data is there on the next start.
func TestGracefulShutdown(t *testing.T) {
	e := startServer(t)
	e.user("budi", "officer", "urc-1")
	s := e.login("budi")
	id := newID()
	s.push(s.change("encounters", id, "upsert", encounterFields(nil), ""))
	e.srv.Stop()
	if !e.srv.Exited() {
		t.Fatal("server did not exit on SIGTERM")
	}
	log, _ := os.ReadFile(filepath.Join(e.srv.DataDir, "server.log"))
	if !bytes.Contains(log, []byte("shutting down")) {
		t.Fatal("no shutdown in the log")
	}
	if err := e.srv.Restart(); err != nil {
		t.Fatal(err)
	}
	s = e.login("budi")
	if got := s.pullAll(); len(got) != 1 {
		t.Fatalf("after restart %d records, want 1", len(got))
	}
}

// TestRefusesPlainHTTPOnPublicAddress and serves TLS when given a cert.
func TestListenSecurity(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(serverBin, "--addr", "0.0.0.0:0", "--data", dir)
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "refusing plain HTTP") {
		t.Fatalf("plain HTTP on 0.0.0.0: err=%v out=%s", err, out)
	}

	cert, key := selfSigned(t, dir)
	srv := startServerArgs(t, filepath.Join(dir, "tls"), "--tls-cert", cert, "--tls-key", key)
	pool := x509.NewCertPool()
	pem, _ := os.ReadFile(cert)
	pool.AppendCertsFromPEM(pem)
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := c.Get("https://" + srv + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("https healthz: %d", resp.StatusCode)
	}
}

// startServerArgs runs the binary with extra flags and returns its address.
func startServerArgs(t *testing.T, data string, args ...string) string {
	t.Helper()
	cmd := exec.Command(serverBin, append([]string{"--addr", "127.0.0.1:0", "--data", data}, args...)...)
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	dec := json.NewDecoder(stderr)
	for {
		var line struct{ Msg, Addr string }
		if err := dec.Decode(&line); err != nil {
			t.Fatalf("server ended before listening: %v", err)
		}
		if line.Msg == "listening" {
			go io.Copy(io.Discard, stderr)
			return line.Addr
		}
	}
}

func selfSigned(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	return certFile, keyFile
}

// TestUserAddCommand: the bootstrap command exits 0 and the user can log in;
// a bad role exits non-zero.
func TestUserAddCommand(t *testing.T) {
	e := startServer(t)
	cmd := exec.CommandContext(context.Background(), serverBin, "user", "add", "--data", e.srv.DataDir, "--username", "wati", "--role", "supervisor", "--team", "urc-2")
	cmd.Stdin = strings.NewReader(password + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("user add: %v %s", err, out)
	}
	if s := e.login("wati"); s.user.Role != "supervisor" || s.user.TeamID != "urc-2" {
		t.Fatalf("logged in as %+v", s.user)
	}
	bad := exec.Command(serverBin, "user", "add", "--data", e.srv.DataDir, "--username", "x2", "--role", "king", "--team", "urc-2")
	bad.Stdin = strings.NewReader(password + "\n")
	if err := bad.Run(); err == nil {
		t.Fatal("user add with a bad role exited 0")
	}
}

// TestAuditVerifyCommand: the audit chain check passes on a live log and
// fails, naming the entry, once an entry is altered behind the server's back.
func TestAuditVerifyCommand(t *testing.T) {
	e := startServer(t)
	e.user("budi", "officer", "urc-1")
	e.login("budi")
	e.login("budi")
	e.srv.Stop()
	out, err := exec.Command(serverBin, "audit", "verify", "--data", e.srv.DataDir).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "audit chain intact") {
		t.Fatalf("verify on an intact log: %v %s", err, out)
	}
	db, err := sql.Open("sqlite", filepath.Join(e.srv.DataDir, "urc.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{`DROP TRIGGER audit_no_update`, `UPDATE audit SET address = '6.6.6.6' WHERE seq = 2`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	out, err = exec.Command(serverBin, "audit", "verify", "--data", e.srv.DataDir).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "entry 2 was altered") {
		t.Fatalf("verify on a tampered log: %v %s", err, out)
	}
	if err := e.srv.Restart(); err != nil {
		t.Fatal(err)
	}
}

// TestServerMemoryReadings checks the readings the benchmarks take of
// the server process's memory.
func TestServerMemoryReadings(t *testing.T) {
	e := startServer(t)
	rss, peak := e.srv.RSS(), e.srv.PeakRSS()
	if rss <= 0 || peak < rss {
		t.Fatalf("RSS %d KiB, peak %d KiB", rss, peak)
	}
	if err := e.srv.ResetPeakRSS(); err != nil {
		t.Fatalf("ResetPeakRSS: %v", err)
	}
	// Reset, the peak is the current resident memory (give or take what
	// the idle server touches between the two readings).
	after, now := e.srv.PeakRSS(), e.srv.RSS()
	if after <= 0 || after > now+1024 {
		t.Fatalf("peak after reset %d KiB, resident %d KiB", after, now)
	}
}
