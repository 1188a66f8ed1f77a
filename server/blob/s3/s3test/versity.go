// Package s3test starts a real S3-compatible server for tests: the Versity
// S3 Gateway (Apache-2.0) on loopback over a temporary directory. Its code
// lives in the separate tool module tools/versitygw, so none of its
// dependencies enter the product's go.mod.
//
// If the gateway cannot be built or started, tests using it are skipped, or
// fail when the environment has URC_REQUIRE_S3=1 (as CI does).
package s3test

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"urcsync/server/blob/s3"
)

// startTimeout bounds how long a starting gateway may take to answer.
const startTimeout = 30 * time.Second

// StartVersity starts a Versity S3 Gateway on a free loopback port with a
// fresh posix directory and returns a config for it (its bucket does not
// exist yet; s3.New creates it). stop kills the gateway, as an outage would;
// restart starts it again on the same port and directory, with the same
// data. Both may be called repeatedly; the gateway is stopped when the test
// ends.
func StartVersity(t testing.TB) (cfg s3.Config, stop func(), restart func()) {
	t.Helper()
	bin, err := versityBinary()
	if err != nil {
		unusable(t, err)
	}
	g := &gateway{
		bin:    bin,
		dir:    filepath.Join(t.TempDir(), "posix"),
		log:    filepath.Join(t.TempDir(), "versitygw.log"),
		access: "urctest" + randHex(4),
		secret: "urctest" + randHex(16),
	}
	if err := os.Mkdir(g.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	g.addr, err = freePort()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		g.stop()
		if t.Failed() {
			if b, err := os.ReadFile(g.log); err == nil {
				t.Logf("versitygw log:\n%s", tail(b, 4000))
			}
		}
	})
	if err := g.start(); err != nil {
		unusable(t, err)
	}
	cfg = s3.Config{
		Endpoint:  g.addr,
		Bucket:    "urc-test",
		AccessKey: g.access,
		SecretKey: g.secret,
		Region:    "us-east-1",
	}
	restart = func() {
		t.Helper()
		g.stop()
		if err := g.start(); err != nil {
			t.Fatalf("restarting versitygw: %v", err)
		}
	}
	return cfg, g.stop, restart
}

// unusable skips the test, or fails it when URC_REQUIRE_S3=1.
func unusable(t testing.TB, err error) {
	t.Helper()
	if os.Getenv("URC_REQUIRE_S3") == "1" {
		t.Fatalf("S3 test server unavailable and URC_REQUIRE_S3=1: %v", err)
	}
	t.Skipf("skipping: S3 test server (Versity S3 Gateway from %s) unavailable; set URC_REQUIRE_S3=1 to fail instead: %v", toolDir, err)
}

// gateway is one versitygw process and what it needs to start again.
type gateway struct {
	bin, dir, log, addr string
	access, secret      string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
}

func (g *gateway) start() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	logf, err := os.OpenFile(g.log, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(g.bin, "--port", g.addr, "--quiet", "posix", g.dir)
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY="+g.access, "ROOT_SECRET_KEY="+g.secret)
	cmd.Stdout, cmd.Stderr = logf, logf
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	g.cmd, g.done = cmd, done
	if err := waitAnswering(g.addr, done); err != nil {
		cmd.Process.Kill()
		<-done
		g.cmd = nil
		b, _ := os.ReadFile(g.log)
		return fmt.Errorf("%w; log:\n%s", err, tail(b, 2000))
	}
	return nil
}

func (g *gateway) stop() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.cmd == nil {
		return
	}
	g.cmd.Process.Kill()
	<-g.done
	g.cmd = nil
}

// waitAnswering polls addr until it answers HTTP (any status), the process
// exits, or startTimeout passes.
func waitAnswering(addr string, exited <-chan struct{}) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(startTimeout)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return fmt.Errorf("versitygw exited during start")
		default:
		}
		if resp, err := client.Get("http://" + addr + "/"); err == nil {
			resp.Body.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("versitygw did not answer on %s within %v", addr, startTimeout)
}

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(l.Addr().(*net.TCPAddr).Port)), nil
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
