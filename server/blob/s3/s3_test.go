package s3_test

import (
	"fmt"
	"sync/atomic"
	"testing"

	"urcsync/server/blob"
	"urcsync/server/blob/blobtest"
	"urcsync/server/blob/s3"
	"urcsync/server/blob/s3/s3test"
)

func TestConformance(t *testing.T) {
	cfg, _, _ := s3test.StartVersity(t)
	var n atomic.Int64
	blobtest.Run(t, func(t *testing.T) blob.Store {
		c := cfg
		c.Bucket = fmt.Sprintf("urc-conformance-%d", n.Add(1))
		s, err := s3.New(t.Context(), c)
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		return s
	})
}

func TestNewCreatesBucketOnce(t *testing.T) {
	cfg, _, _ := s3test.StartVersity(t)
	for i := range 2 {
		s, err := s3.New(t.Context(), cfg)
		if err != nil {
			t.Fatalf("New #%d: %v", i+1, err)
		}
		if err := s.Ready(t.Context()); err != nil {
			t.Fatalf("Ready after New #%d: %v", i+1, err)
		}
	}
}

func TestNewRejectsIncompleteConfig(t *testing.T) {
	for _, cfg := range []s3.Config{{Bucket: "b"}, {Endpoint: "127.0.0.1:1"}} {
		if _, err := s3.New(t.Context(), cfg); err == nil {
			t.Errorf("New(%+v) succeeded", cfg)
		}
	}
}
