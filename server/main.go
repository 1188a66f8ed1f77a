// Command server runs the URC Field Sync server: the sync API for patrol
// phones and the office's admin API, on an embedded SQLite database under
// --data.
//
//	go run ./server [--addr 127.0.0.1:8080] [--data ./data]
//	go run ./server user add --data DIR --username U --role officer --team urc-1 < password
//	go run ./server audit verify --data DIR
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	contract "urcsync/mobile-contract"
	"urcsync/server/admit"
	"urcsync/server/api"
	"urcsync/server/auth"
	"urcsync/server/core"
	"urcsync/server/media"
	"urcsync/server/schema"
	"urcsync/server/sqlite"
	"urcsync/server/web"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) >= 2 && args[0] == "user" && args[1] == "add" {
		return userAdd(ctx, args[2:], stdin, stderr)
	}
	if len(args) >= 2 && args[0] == "audit" && args[1] == "verify" {
		return auditVerify(ctx, args[2:], stdout, stderr)
	}
	cfg, err := parseConfig(args, os.Getenv)
	if err != nil {
		return err
	}
	log := newLogger(stderr, os.Getenv("LOG_LEVEL"))
	slog.SetDefault(log)
	return serve(ctx, cfg, log)
}

// openStore opens the database under the data directory.
func openStore(ctx context.Context, dataDir string, bcryptCost int, log *slog.Logger, onCommit sqlite.BatchObserver, gate *admit.Gate) (*sqlite.DB, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	reg, err := schema.Load(contract.FS)
	if err != nil {
		return nil, fmt.Errorf("collection schemas: %w", err)
	}
	return sqlite.Open(ctx, filepath.Join(dataDir, "urc.db"), sqlite.Options{
		Schemas: reg, Hasher: auth.NewHasher(bcryptCost), Logger: log, OnCommit: onCommit,
		MediaFlags: media.DefaultChecks.Flags, Gate: gate,
	})
}

func serve(ctx context.Context, cfg config, log *slog.Logger) error {
	var handler *api.Server
	// One gate for push checks and pull answers leaves the writer a CPU.
	gate := admit.ForCPUs()
	db, err := openStore(ctx, cfg.DataDir, cfg.BcryptCost, log, func(jobs int, d time.Duration) {
		if handler != nil {
			handler.ObserveCommit(jobs, d)
		}
	}, gate)
	if err != nil {
		return err
	}
	defer db.Close()
	store, where, err := openBlobStore(ctx, cfg.DataDir, os.Getenv)
	if err != nil {
		return err
	}
	photos, err := media.New(media.Config{
		Records: db, Store: store, SpoolDir: filepath.Join(cfg.DataDir, "uploads"),
		MaxBytes: cfg.MaxMediaBytes, Logger: log,
	})
	if err != nil {
		return err
	}
	throttle := auth.NewThrottle()
	pages, err := web.New(web.Config{Desk: db, Sessions: db, Accounts: db, Office: db, Media: photos, Throttle: throttle, Logger: log})
	if err != nil {
		return err
	}
	handler, err = api.New(api.Config{
		Sync: db, Accounts: db, Office: db, Media: photos, Desk: db, MaxMediaBytes: cfg.MaxMediaBytes,
		Pages: pages, Throttle: throttle, Gate: gate,
		Checks:         map[string]core.Checker{"database": db, "storage": store},
		OpenAPI:        contract.OpenAPI(),
		TrustedProxies: cfg.TrustedProxies,
		Logger:         log,
	})
	if err != nil {
		return err
	}
	srv := &http.Server{
		Addr:              cfg.Addr,
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	go photos.Run(ctx, cfg.SweepEvery)
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() {
		log.Info("listening", "addr", ln.Addr().String(), "data", cfg.DataDir, "media", where, "tls", cfg.TLSCert != "")
		if cfg.TLSCert != "" {
			errc <- srv.ServeTLS(ln, cfg.TLSCert, cfg.TLSKey)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Warn("shutdown", "err", err)
	}
	return nil
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}
