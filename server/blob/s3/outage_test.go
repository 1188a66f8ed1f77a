package s3_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"urcsync/server/blob"
	"urcsync/server/blob/s3"
	"urcsync/server/blob/s3/s3test"
)

// outageBound is how soon every operation must report an outage.
const outageBound = 5 * time.Second

func TestOutage(t *testing.T) {
	cfg, stop, restart := s3test.StartVersity(t)
	s, err := s3.New(t.Context(), cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx := t.Context()
	big := bytes.Repeat([]byte("0123456789abcdef"), 2<<20)
	if err := s.Put(ctx, "media/kept", bytes.NewReader(big), int64(len(big)), "image/jpeg"); err != nil {
		t.Fatalf("Put: %v", err)
	}
	reading, err := s.Open(ctx, "media/kept")
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer reading.Close()
	if _, err := reading.Read(make([]byte, 1)); err != nil {
		t.Fatalf("Read: %v", err)
	}

	stop()

	ops := map[string]func() error{
		"Put": func() error {
			return s.Put(ctx, "media/new", strings.NewReader("abc"), 3, "image/jpeg")
		},
		"Open": func() error {
			o, err := s.Open(ctx, "media/kept")
			if err == nil {
				o.Close()
			}
			return err
		},
		"Stat":   func() error { _, err := s.Stat(ctx, "media/kept"); return err },
		"Delete": func() error { return s.Delete(ctx, "media/kept") },
		"List":   func() error { return s.List(ctx, "", func(blob.Info) error { return nil }) },
		"Ready":  func() error { return s.Ready(ctx) },
		"Read of an open object": func() error {
			_, err := io.Copy(io.Discard, reading)
			return err
		},
		"Ready of a store made during the outage": func() error {
			late, err := s3.New(ctx, cfg)
			if err != nil {
				t.Errorf("New during outage: %v; want a store that waits for the storage", err)
				return blob.ErrUnavailable
			}
			return late.Ready(ctx)
		},
	}
	for name, op := range ops {
		start := time.Now()
		err := op()
		took := time.Since(start)
		if !errors.Is(err, blob.ErrUnavailable) {
			t.Errorf("%s during outage: %v; want ErrUnavailable", name, err)
		}
		if took > outageBound {
			t.Errorf("%s took %v to report the outage; want under %v", name, took, outageBound)
		}
		t.Logf("%s: %v after %v", name, err, took.Round(time.Millisecond))
	}

	// The server starts during an outage: its store makes the bucket
	// once the storage answers.
	fresh := cfg
	fresh.Bucket = "urc-made-later"
	late, err := s3.New(ctx, fresh)
	if err != nil {
		t.Fatalf("New during outage: %v", err)
	}

	restart()

	if err := late.Put(ctx, "media/late", strings.NewReader("abc"), 3, "image/jpeg"); err != nil {
		t.Fatalf("Put after restart, bucket made during the outage: %v", err)
	}
	if info, err := late.Stat(ctx, "media/late"); err != nil || info.Size != 3 {
		t.Fatalf("Stat after restart: %+v %v", info, err)
	}

	if err := s.Ready(ctx); err != nil {
		t.Fatalf("Ready after restart: %v", err)
	}
	o, err := s.Open(ctx, "media/kept")
	if err != nil {
		t.Fatalf("Open after restart: %v", err)
	}
	got, err := io.ReadAll(o)
	o.Close()
	if err != nil || !bytes.Equal(got, big) {
		t.Fatalf("after restart read %d bytes, %v; want the %d stored", len(got), err, len(big))
	}
	if err := s.Put(ctx, "media/new", strings.NewReader("abc"), 3, "image/jpeg"); err != nil {
		t.Fatalf("Put after restart: %v", err)
	}
	if _, err := s.Stat(ctx, "media/new"); err != nil {
		t.Fatalf("Stat after restart: %v", err)
	}
}
