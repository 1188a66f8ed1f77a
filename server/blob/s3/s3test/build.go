package s3test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"time"
)

const (
	// toolDir is the tool module, relative to the product module's root.
	toolDir = "tools/versitygw"
	// toolPkg is the command built from it.
	toolPkg = "github.com/versity/versitygw/cmd/versitygw"
	// buildTimeout bounds one build (about 2.5 minutes from scratch on two
	// cores, seconds with a warm build cache).
	buildTimeout = 10 * time.Minute
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// versityBinary returns the path of the versitygw binary, building it at
// most once per test process: from $URC_VERSITYGW_BIN if set, else from a
// cache under os.TempDir() keyed by the tool module's go.mod and go.sum,
// the Go version and the platform, so that later test runs reuse it.
func versityBinary() (string, error) {
	binOnce.Do(func() { binPath, binErr = findOrBuild() })
	return binPath, binErr
}

func findOrBuild() (string, error) {
	if p := os.Getenv("URC_VERSITYGW_BIN"); p != "" {
		if _, err := exec.LookPath(p); err != nil {
			return "", fmt.Errorf("URC_VERSITYGW_BIN: %w", err)
		}
		return p, nil
	}
	dir, err := findToolDir()
	if err != nil {
		return "", err
	}
	key, err := cacheKey(dir)
	if err != nil {
		return "", err
	}
	cache := filepath.Join(os.TempDir(), "urcsync-versitygw", key)
	bin := filepath.Join(cache, "versitygw")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return "", err
	}
	unlock, err := lockFile(filepath.Join(cache, "lock"))
	if err != nil {
		return "", err
	}
	defer unlock()
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	return bin, build(dir, bin)
}

// findToolDir walks up from the working directory (a package directory
// under go test) to the directory holding tools/versitygw/go.mod.
func findToolDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		d := filepath.Join(dir, filepath.FromSlash(toolDir))
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New(toolDir + "/go.mod not found above the working directory")
		}
		dir = parent
	}
}

func cacheKey(dir string) (string, error) {
	h := sha256.New()
	for _, name := range []string{"go.mod", "go.sum"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return "", err
		}
		h.Write(b)
	}
	fmt.Fprintf(h, "%s %s/%s", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// build compiles the tool into bin, writing a temporary file first so that
// bin is never half-written.
func build(dir, bin string) error {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		goCmd = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	tmp := fmt.Sprintf("%s.%d.tmp", bin, os.Getpid())
	cmd := exec.CommandContext(ctx, goCmd, "build", "-o", tmp, toolPkg)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("building versitygw in %s (%v): %w\n%s", dir, time.Since(start).Round(time.Second), err, tail(out, 2000))
	}
	return os.Rename(tmp, bin)
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
