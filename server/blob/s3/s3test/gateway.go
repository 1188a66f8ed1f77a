package s3test

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"urcsync/server/blob/s3"
)

// startTimeout bounds how long a starting gateway may take to answer.
const startTimeout = 30 * time.Second

// ErrUnavailable is wrapped by Start's error when the gateway binary
// cannot be found or built, or the gateway does not start.
var ErrUnavailable = errors.New("versitygw unavailable")

// Gateway is one Versity S3 Gateway on a loopback port, serving a posix
// directory. It can be stopped (killed, as in an outage) and restarted on
// the same port and directory, with the same data.
type Gateway struct {
	bin, dir, log, addr string
	access, secret      string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
}

// Start builds or finds the versitygw binary and starts a gateway on a
// free loopback port, keeping its objects in dir/posix and its log in
// dir/versitygw.log; dir is created if missing. Errors that mean the
// gateway cannot be had wrap ErrUnavailable.
func Start(dir string) (*Gateway, error) {
	bin, err := versityBinary()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	g := &Gateway{
		bin:    bin,
		dir:    filepath.Join(dir, "posix"),
		log:    filepath.Join(dir, "versitygw.log"),
		access: "urctest" + randHex(4),
		secret: "urctest" + randHex(16),
	}
	if err := os.MkdirAll(g.dir, 0o755); err != nil {
		return nil, err
	}
	if g.addr, err = freePort(); err != nil {
		return nil, err
	}
	if err := g.start(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return g, nil
}

// Config is the gateway's address and credentials, with the bucket
// "urc-test" (which s3.New creates).
func (g *Gateway) Config() s3.Config {
	return s3.Config{
		Endpoint:  g.addr,
		Bucket:    "urc-test",
		AccessKey: g.access,
		SecretKey: g.secret,
		Region:    "us-east-1",
	}
}

// Dir is the directory holding the buckets' objects.
func (g *Gateway) Dir() string { return g.dir }

// LogTail returns up to n bytes from the end of the gateway's log.
func (g *Gateway) LogTail(n int) []byte {
	b, err := os.ReadFile(g.log)
	if err != nil {
		return nil
	}
	return tail(b, n)
}

// Stop kills the gateway (SIGKILL) and waits for it to end; requests in
// flight are cut. Stopping a stopped gateway does nothing.
func (g *Gateway) Stop() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.cmd == nil {
		return
	}
	g.cmd.Process.Kill()
	<-g.done
	g.cmd = nil
}

// Restart stops the gateway if it runs, then starts it again on the same
// port and directory and waits until it answers.
func (g *Gateway) Restart() error {
	g.Stop()
	return g.start()
}

// Close stops the gateway for good.
func (g *Gateway) Close() { g.Stop() }

func (g *Gateway) start() error {
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
