// Package s3test starts a real S3-compatible server for tests and the
// field simulator: the Versity S3 Gateway (Apache-2.0) on loopback over a
// directory of the caller's. Its code lives in the separate tool module
// tools/versitygw, so none of its dependencies enter the product's go.mod.
//
// Start and Gateway serve any caller; StartVersity and RequireVersity are
// for tests. If the gateway cannot be built or started, tests using it are
// skipped, or fail when the environment has URC_REQUIRE_S3=1 (as CI does).
package s3test

import (
	"errors"
	"os"
	"testing"

	"urcsync/server/blob/s3"
)

// StartVersity starts a Versity S3 Gateway on a free loopback port with a
// fresh posix directory and returns a config for it (its bucket does not
// exist yet; s3.New creates it). stop kills the gateway, as an outage would;
// restart starts it again on the same port and directory, with the same
// data. Both may be called repeatedly; the gateway is stopped when the test
// ends.
func StartVersity(t testing.TB) (cfg s3.Config, stop func(), restart func()) {
	t.Helper()
	g := startOrSkip(t)
	t.Cleanup(func() {
		g.Close()
		if t.Failed() {
			if b := g.LogTail(4000); b != nil {
				t.Logf("versitygw log:\n%s", b)
			}
		}
	})
	restart = func() {
		t.Helper()
		if err := g.Restart(); err != nil {
			t.Fatalf("restarting versitygw: %v", err)
		}
	}
	return g.Config(), g.Stop, restart
}

// RequireVersity makes sure a gateway can be built and started, for a
// test that starts gateways itself with Start (or has a program do so);
// without one the test is skipped, or fails when URC_REQUIRE_S3=1.
func RequireVersity(t testing.TB) {
	t.Helper()
	startOrSkip(t).Close()
}

// startOrSkip starts a gateway in a temporary directory; without one the
// test is skipped, or fails when URC_REQUIRE_S3=1.
func startOrSkip(t testing.TB) *Gateway {
	t.Helper()
	g, err := Start(t.TempDir())
	switch {
	case errors.Is(err, ErrUnavailable):
		unusable(t, err)
	case err != nil:
		t.Fatal(err)
	}
	return g
}

// unusable skips the test, or fails it when URC_REQUIRE_S3=1.
func unusable(t testing.TB, err error) {
	t.Helper()
	if os.Getenv("URC_REQUIRE_S3") == "1" {
		t.Fatalf("S3 test server unavailable and URC_REQUIRE_S3=1: %v", err)
	}
	t.Skipf("skipping: S3 test server (Versity S3 Gateway from %s) unavailable; set URC_REQUIRE_S3=1 to fail instead: %v", toolDir, err)
}
