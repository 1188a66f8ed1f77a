package s3_test

import (
	"testing"

	"urcsync/server/blob/s3"
)

func TestConfigFromEnv(t *testing.T) {
	env := func(m map[string]string) func(string) string {
		return func(k string) string { return m[k] }
	}
	if _, ok := s3.ConfigFromEnv(env(nil)); ok {
		t.Errorf("ConfigFromEnv without URC_S3_ENDPOINT reported ok")
	}
	got, ok := s3.ConfigFromEnv(env(map[string]string{
		"URC_S3_ENDPOINT":   "s3.example.org:9000",
		"URC_S3_BUCKET":     "media",
		"URC_S3_ACCESS_KEY": "ak",
		"URC_S3_SECRET_KEY": "sk",
		"URC_S3_REGION":     "ap-southeast-3",
		"URC_S3_TLS":        "true",
	}))
	want := s3.Config{
		Endpoint: "s3.example.org:9000", Bucket: "media", AccessKey: "ak", SecretKey: "sk",
		Region: "ap-southeast-3", UseTLS: true,
	}
	if !ok || got != want {
		t.Errorf("ConfigFromEnv = %+v, %v; want %+v, true", got, ok, want)
	}
	for v, tls := range map[string]bool{"": false, "false": false, "0": false, "1": true, "TRUE": true, "yes": true} {
		got, _ := s3.ConfigFromEnv(env(map[string]string{"URC_S3_ENDPOINT": "h:1", "URC_S3_TLS": v}))
		if got.UseTLS != tls {
			t.Errorf("URC_S3_TLS=%q gives UseTLS %v; want %v", v, got.UseTLS, tls)
		}
	}
}
