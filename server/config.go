package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
)

// config is the server's configuration: flags, with environment
// variables as fallbacks.
type config struct {
	Addr           string
	DataDir        string
	TLSCert        string
	TLSKey         string
	BehindProxy    bool
	TrustedProxies []string
	BcryptCost     int
	MaxMediaBytes  int64
	SweepEvery     time.Duration
}

func parseConfig(args []string, getenv func(string) string) (config, error) {
	var c config
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&c.Addr, "addr", env("URC_ADDR", "127.0.0.1:8080"), "listen address (URC_ADDR)")
	fs.StringVar(&c.DataDir, "data", env("URC_DATA", "./data"), "data directory (URC_DATA)")
	fs.StringVar(&c.TLSCert, "tls-cert", env("URC_TLS_CERT", ""), "TLS certificate file (URC_TLS_CERT)")
	fs.StringVar(&c.TLSKey, "tls-key", env("URC_TLS_KEY", ""), "TLS key file (URC_TLS_KEY)")
	behind, _ := strconv.ParseBool(env("URC_BEHIND_TLS_PROXY", "false"))
	fs.BoolVar(&c.BehindProxy, "behind-tls-proxy", behind, "a TLS-terminating proxy is in front: allow plain HTTP on a non-loopback address (URC_BEHIND_TLS_PROXY)")
	proxies := fs.String("trusted-proxies", env("URC_TRUSTED_PROXIES", ""), "comma-separated proxy addresses whose X-Forwarded-For is believed (URC_TRUSTED_PROXIES)")
	cost, _ := strconv.Atoi(env("URC_BCRYPT_COST", "0"))
	fs.IntVar(&c.BcryptCost, "bcrypt-cost", cost, "bcrypt cost for new password hashes; 0 = default (URC_BCRYPT_COST)")
	maxMedia, _ := strconv.ParseInt(env("URC_MAX_MEDIA_BYTES", "26214400"), 10, 64)
	fs.Int64Var(&c.MaxMediaBytes, "max-media-bytes", maxMedia, "size limit of one photo (URC_MAX_MEDIA_BYTES)")
	sweep, _ := time.ParseDuration(env("URC_SWEEP_EVERY", "10m"))
	fs.DurationVar(&c.SweepEvery, "sweep-every", sweep, "how often expired uploads, erasable and orphaned photo bytes are swept (URC_SWEEP_EVERY)")
	if err := fs.Parse(args); err != nil {
		return c, fmt.Errorf("%w\n%s", err, usage(fs))
	}
	if *proxies != "" {
		c.TrustedProxies = strings.Split(*proxies, ",")
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return c, errors.New("--tls-cert and --tls-key go together")
	}
	if c.TLSCert == "" && !c.BehindProxy && !loopback(c.Addr) {
		return c, fmt.Errorf("refusing plain HTTP on non-loopback address %s: give --tls-cert/--tls-key, or --behind-tls-proxy when a TLS-terminating proxy is in front", c.Addr)
	}
	return c, nil
}

// loopback reports whether addr listens only on the loopback interface.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func usage(fs *flag.FlagSet) string {
	var b strings.Builder
	fs.SetOutput(&b)
	fs.PrintDefaults()
	return b.String()
}
