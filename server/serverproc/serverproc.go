// Package serverproc runs the real server binary as a child process on a
// loopback port and a data directory of the caller's: for end-to-end
// tests, crash tests, benchmarks and the field simulator.
package serverproc

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Build compiles the server into dir and returns the binary's path.
func Build(dir string) (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(out)))
	bin := filepath.Join(dir, "urc-server")
	cmd := exec.Command("go", "build", "-o", bin, "./server")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./server: %v\n%s", err, out)
	}
	return bin, nil
}

// Server is one running server process.
type Server struct {
	Bin     string
	DataDir string
	// Env is added to the process environment.
	Env []string
	// Addr is host:port; URL is http://Addr.
	Addr string
	URL  string

	cmd  *exec.Cmd
	done chan struct{}
	mu   sync.Mutex
	log  *os.File
}

// Start runs bin on dataDir at 127.0.0.1 with an ephemeral port and
// waits until it listens. The process's log goes to dataDir/server.log.
func Start(bin, dataDir string, env ...string) (*Server, error) {
	s := &Server{Bin: bin, DataDir: dataDir, Env: env}
	return s, s.start("127.0.0.1:0")
}

// Restart starts the server again on the same data directory and port.
func (s *Server) Restart() error { return s.start(s.Addr) }

func (s *Server) start(addr string) error {
	if err := os.MkdirAll(s.DataDir, 0o700); err != nil {
		return err
	}
	logf, err := os.OpenFile(filepath.Join(s.DataDir, "server.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	cmd := exec.Command(s.Bin, "--addr", addr, "--data", s.DataDir)
	cmd.Env = append(os.Environ(), s.Env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		logf.Close()
		return err
	}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return err
	}
	found := make(chan string, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Bytes()
			var entry struct {
				Msg  string `json:"msg"`
				Addr string `json:"addr"`
			}
			if json.Unmarshal(line, &entry) == nil && entry.Msg == "listening" {
				select {
				case found <- entry.Addr:
				default:
				}
			}
			logf.Write(append(line, '\n'))
		}
		_, _ = io.Copy(logf, stderr)
		_ = cmd.Wait()
		logf.Close()
	}()
	select {
	case a := <-found:
		s.mu.Lock()
		s.cmd, s.done, s.log, s.Addr, s.URL = cmd, done, logf, a, "http://"+a
		s.mu.Unlock()
		return nil
	case <-done:
		return fmt.Errorf("server exited before listening; see %s", filepath.Join(s.DataDir, "server.log"))
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		return errors.New("server did not listen within 30s")
	}
}

// Kill ends the process with SIGKILL (a crash) and waits for it.
func (s *Server) Kill() { s.signal(syscall.SIGKILL) }

// Stop asks the process to shut down gracefully (SIGTERM) and waits.
func (s *Server) Stop() { s.signal(syscall.SIGTERM) }

func (s *Server) signal(sig syscall.Signal) {
	s.mu.Lock()
	cmd, done := s.cmd, s.done
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(sig)
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
}

// PID returns the process id of the running server (0 when none).
func (s *Server) PID() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil || s.cmd.Process == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

// Exited reports whether the process has ended.
func (s *Server) Exited() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// AddUser creates a user with the server's own `user add` command.
func AddUser(ctx context.Context, bin, dataDir, username, password, role, team string) error {
	cmd := exec.CommandContext(ctx, bin, "user", "add", "--data", dataDir, "--username", username, "--role", role, "--team", team)
	cmd.Stdin = strings.NewReader(password + "\n")
	cmd.Env = append(os.Environ(), "URC_BCRYPT_COST=4")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("user add %s: %v: %s", username, err, out)
	}
	return nil
}
