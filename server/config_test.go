package main

import (
	"strings"
	"testing"
)

func TestParseConfig(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		wantErr string
		want    config
	}{
		{name: "Defaults", want: config{Addr: "127.0.0.1:8080", DataDir: "./data"}},
		{name: "Env", env: map[string]string{"URC_ADDR": "localhost:9000", "URC_DATA": "/srv/urc"}, want: config{Addr: "localhost:9000", DataDir: "/srv/urc"}},
		{name: "FlagBeatsEnv", args: []string{"--addr", "[::1]:7000"}, env: map[string]string{"URC_ADDR": "localhost:9000"}, want: config{Addr: "[::1]:7000", DataDir: "./data"}},
		{name: "ErrPublicPlainHTTP", args: []string{"--addr", "0.0.0.0:8080"}, wantErr: "refusing plain HTTP"},
		{name: "ErrAllInterfaces", args: []string{"--addr", ":8080"}, wantErr: "refusing plain HTTP"},
		{name: "BehindProxy", args: []string{"--addr", "0.0.0.0:8080", "--behind-tls-proxy"}, want: config{Addr: "0.0.0.0:8080", DataDir: "./data", BehindProxy: true}},
		{name: "BehindProxyEnv", args: []string{"--addr", "10.1.2.3:80"}, env: map[string]string{"URC_BEHIND_TLS_PROXY": "true"}, want: config{Addr: "10.1.2.3:80", DataDir: "./data", BehindProxy: true}},
		{name: "TLS", args: []string{"--addr", "0.0.0.0:443", "--tls-cert", "c.pem", "--tls-key", "k.pem"}, want: config{Addr: "0.0.0.0:443", DataDir: "./data", TLSCert: "c.pem", TLSKey: "k.pem"}},
		{name: "ErrHalfTLS", args: []string{"--tls-cert", "c.pem"}, wantErr: "go together"},
		{name: "ErrUnknownFlag", args: []string{"--nope"}, wantErr: "not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseConfig(tt.args, env(tt.env))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Addr != tt.want.Addr || got.DataDir != tt.want.DataDir || got.BehindProxy != tt.want.BehindProxy || got.TLSCert != tt.want.TLSCert || got.TLSKey != tt.want.TLSKey {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
