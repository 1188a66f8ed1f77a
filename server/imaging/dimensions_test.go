package imaging

import (
	"bytes"
	"encoding/binary"
	"errors"
	"runtime"
	"testing"
	"time"
)

func TestDimensionsFixtures(t *testing.T) {
	for name, want := range map[string][2]int{
		"medan.jpg":        {1600, 1200},
		"medan_offset.jpg": {1600, 1200},
		"far_away.jpg":     {1600, 1200},
		"no_exif.jpg":      {1600, 1200},
		"rotated.jpg":      {1200, 1600}, // as stored; Orientation 6 turns it
		"big.jpg":          {4000, 3000},
		"medan.png":        {400, 300},
		"medan.webp":       {800, 600},
		"bomb.png":         {60000, 60000},
	} {
		w, h, err := Dimensions(bytes.NewReader(fixture(t, name)))
		if err != nil || w != want[0] || h != want[1] {
			t.Errorf("Dimensions(%s) = %d × %d, %v; want %d × %d", name, w, h, err, want[0], want[1])
		}
	}
}

func TestDimensionsRefuses(t *testing.T) {
	jpg := fixture(t, "medan.jpg")
	for name, b := range map[string][]byte{
		"text":                fixture(t, "not_an_image.jpg"),
		"empty":               nil,
		"JPEG cut before SOF": jpg[:512],
		"PNG cut in IHDR":     fixture(t, "bomb.png")[:20],
		"WebP cut in header":  fixture(t, "medan.webp")[:20],
	} {
		if w, h, err := Dimensions(bytes.NewReader(b)); err == nil {
			t.Errorf("%s: Dimensions = %d × %d, want an error", name, w, h)
		}
	}
	if _, _, err := Dimensions(bytes.NewReader(fixture(t, "not_an_image.jpg"))); !errors.Is(err, ErrUnsupported) {
		t.Errorf("text: err = %v, want ErrUnsupported", err)
	}
}

// The header of the PNG bomb (60000 × 60000, 3.6 gigapixels) is read
// without touching its pixels: quickly, and with a few small allocations.
func TestDimensionsBombCheap(t *testing.T) {
	bomb := fixture(t, "bomb.png")
	start := time.Now()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	allocs := testing.AllocsPerRun(20, func() {
		if w, h, err := Dimensions(bytes.NewReader(bomb)); err != nil || w != 60000 || h != 60000 {
			t.Fatalf("Dimensions(bomb.png) = %d × %d, %v", w, h, err)
		}
	})
	runtime.ReadMemStats(&after)
	perCall := (after.TotalAlloc - before.TotalAlloc) / 21
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Errorf("21 calls took %v", elapsed)
	}
	if allocs > 20 || perCall > 16<<10 {
		t.Errorf("one call: %v allocations, %d bytes; want a few small ones", allocs, perCall)
	}
	t.Logf("Dimensions(bomb.png): %v allocations, %d bytes per call", allocs, perCall)
}

// A JPEG whose SOF declares more than MaxPixels is measured, and Derive
// refuses it before decoding.
func TestDimensionsOversizedJPEG(t *testing.T) {
	jpg := withJPEGSize(t, fixture(t, "no_exif.jpg"), 10000, 6000)
	w, h, err := Dimensions(bytes.NewReader(jpg))
	if err != nil || w != 10000 || h != 6000 {
		t.Fatalf("Dimensions = %d × %d, %v; want 10000 × 6000", w, h, err)
	}
	if _, err := Derive(bytes.NewReader(jpg), 1, PreviewSide); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Derive: err = %v, want ErrTooLarge", err)
	}
}

// withJPEGSize returns a copy of jpg whose SOF0 declares w × h.
func withJPEGSize(t *testing.T, jpg []byte, w, h uint16) []byte {
	t.Helper()
	out := bytes.Clone(jpg)
	i := bytes.Index(out, []byte{0xFF, 0xC0})
	if i < 0 {
		t.Fatal("no SOF0 marker")
	}
	binary.BigEndian.PutUint16(out[i+5:], h)
	binary.BigEndian.PutUint16(out[i+7:], w)
	return out
}
