package imaging

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"runtime"
	"testing"
	"time"
)

// derive runs Derive on a fixture and decodes the result.
func derive(t *testing.T, name string, orientation, side int) ([]byte, image.Image) {
	t.Helper()
	out, err := Derive(bytes.NewReader(fixture(t, name)), orientation, side)
	if err != nil {
		t.Fatalf("Derive(%s, %d, %d): %v", name, orientation, side, err)
	}
	m, err := jpeg.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("Derive(%s) gave no JPEG: %v", name, err)
	}
	return out, m
}

func TestDeriveSizes(t *testing.T) {
	for _, c := range []struct {
		name        string
		orientation int
		side        int
		w, h        int
	}{
		{"medan.jpg", 1, ThumbnailSide, 320, 240},
		{"medan.jpg", 1, PreviewSide, 1600, 1200}, // already at most 1600
		{"rotated.jpg", 6, ThumbnailSide, 320, 240},
		{"rotated.jpg", 6, PreviewSide, 1600, 1200},
		{"big.jpg", 1, ThumbnailSide, 320, 240},
		{"big.jpg", 1, PreviewSide, 1600, 1200},
		{"medan.png", 1, ThumbnailSide, 320, 240},
		{"medan.png", 1, PreviewSide, 400, 300}, // never enlarged
		{"medan.webp", 1, ThumbnailSide, 320, 240},
		{"medan.webp", 1, PreviewSide, 800, 600},
		{"medan.jpg", 1, 7, 7, 5},
		{"medan.jpg", 1, 1, 1, 1},
	} {
		_, m := derive(t, c.name, c.orientation, c.side)
		if b := m.Bounds(); b.Dx() != c.w || b.Dy() != c.h {
			t.Errorf("Derive(%s, %d, %d) = %d × %d, want %d × %d", c.name, c.orientation, c.side, b.Dx(), b.Dy(), c.w, c.h)
		}
	}
}

// rotated.jpg is stored turned, with Orientation 6: its derivatives look
// like medan.jpg's.
func TestDeriveUpright(t *testing.T) {
	for _, side := range []int{ThumbnailSide, PreviewSide} {
		_, plain := derive(t, "medan.jpg", 1, side)
		_, turned := derive(t, "rotated.jpg", 6, side)
		if got := layout(plain); got != upright {
			t.Errorf("medan.jpg at %d: layout %v, want %v", side, got, upright)
		}
		if got := layout(turned); got != upright {
			t.Errorf("rotated.jpg at %d: layout %v, want %v", side, got, upright)
		}
	}
	// Ignoring the orientation shows the stored, turned picture.
	_, stored := derive(t, "rotated.jpg", 1, ThumbnailSide)
	if got := layout(stored); got == upright {
		t.Errorf("rotated.jpg with orientation 1 looks upright: %v", got)
	}
}

// Nothing of the original's metadata reaches a derivative: its only
// segments before the image data are quantisation and Huffman tables and
// the frame header.
func TestDeriveNoMetadata(t *testing.T) {
	for _, name := range []string{"medan.jpg", "rotated.jpg", "medan.webp", "big.jpg"} {
		for _, side := range []int{ThumbnailSide, PreviewSide} {
			out, _ := derive(t, name, 1, side)
			for _, s := range []string{"Exif\x00\x00", "http://ns.adobe.com/xap", "<x:xmpmeta", "ICC_PROFILE",
				"JFIF", "URC Test", "Fixture Camera", "URC test comment", "URC Field Sync test photo"} {
				if bytes.Contains(out, []byte(s)) {
					t.Errorf("Derive(%s, %d) contains %q", name, side, s)
				}
			}
			for _, m := range jpegMarkers(t, out) {
				if m != 0xDB && m != 0xC4 && m != 0xC0 {
					t.Errorf("Derive(%s, %d) has marker %#x before the image data", name, side, m)
				}
			}
			if x, err := ReadExif(bytes.NewReader(out), int64(len(out)), jakarta(t)); err != nil || x != (Exif{Orientation: 1}) {
				t.Errorf("Derive(%s, %d): ReadExif = %+v, %v; want nothing", name, side, x, err)
			}
		}
	}
}

// jpegMarkers lists the markers of jpg's segments between SOI and SOS.
func jpegMarkers(t *testing.T, jpg []byte) []byte {
	t.Helper()
	var markers []byte
	for pos := 2; ; {
		if pos+4 > len(jpg) || jpg[pos] != 0xFF {
			t.Fatalf("malformed JPEG at %d", pos)
		}
		if jpg[pos+1] == 0xDA {
			return markers
		}
		markers = append(markers, jpg[pos+1])
		pos += 2 + int(jpg[pos+2])<<8 + int(jpg[pos+3])
	}
}

func TestDeriveRefuses(t *testing.T) {
	bomb := fixture(t, "bomb.png")
	start := time.Now()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := Derive(bytes.NewReader(bomb), 1, PreviewSide)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("bomb.png: err = %v, want ErrTooLarge", err)
	}
	if elapsed, n := time.Since(start), after.TotalAlloc-before.TotalAlloc; elapsed > 100*time.Millisecond || n > 1<<20 {
		t.Errorf("bomb.png refused after %v and %d bytes", elapsed, n)
	}

	if _, err := Derive(bytes.NewReader(fixture(t, "not_an_image.jpg")), 1, PreviewSide); !errors.Is(err, ErrUnsupported) {
		t.Errorf("not_an_image.jpg: err = %v, want ErrUnsupported", err)
	}
	jpg := fixture(t, "medan.jpg")
	if _, err := Derive(bytes.NewReader(jpg[:len(jpg)/2]), 1, PreviewSide); err == nil {
		t.Error("half of medan.jpg: no error")
	}
	if _, err := Derive(bytes.NewReader(jpg), 1, 0); err == nil {
		t.Error("maxSide 0: no error")
	}
}

// Errors of the reader come back wrapped, so that the caller can tell a
// storage failure from a bad image.
func TestDeriveReaderError(t *testing.T) {
	errStorage := errors.New("storage down")
	r := &failingReader{data: fixture(t, "big.jpg")[:200<<10], err: errStorage}
	if _, err := Derive(r, 1, PreviewSide); !errors.Is(err, errStorage) {
		t.Errorf("err = %v, want the reader's", err)
	}
	for _, cut := range []int{0, 10} {
		r = &failingReader{data: fixture(t, "big.jpg")[:cut], err: errStorage}
		if _, err := Derive(r, 1, PreviewSide); !errors.Is(err, errStorage) {
			t.Errorf("failing after %d bytes: Derive err = %v, want the reader's", cut, err)
		}
		r = &failingReader{data: fixture(t, "big.jpg")[:cut], err: errStorage}
		if _, _, err := Dimensions(r); !errors.Is(err, errStorage) {
			t.Errorf("failing after %d bytes: Dimensions err = %v, want the reader's", cut, err)
		}
	}
}

type failingReader struct {
	data []byte
	err  error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

// A 12-megapixel photo gives a preview well under a second on the 2-core
// machine (about 0.5 s measured); the bound here only catches a
// many-fold slowdown. The best of three runs is taken.
func TestDerivePreviewTime(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("timing")
	}
	big := fixture(t, "big.jpg")
	best := time.Hour
	for range 3 {
		start := time.Now()
		if _, err := Derive(bytes.NewReader(big), 1, PreviewSide); err != nil {
			t.Fatal(err)
		}
		best = min(best, time.Since(start))
	}
	t.Logf("12 MP preview: %v", best)
	if best > 2*time.Second {
		t.Errorf("12 MP preview took %v", best)
	}
}

// Besides the decoded pixels (4:2:0 YCbCr, 1.5 bytes a pixel), Derive
// makes no second full-size copy: only a reduced one (a quarter of the
// pixels or fewer, 4 bytes each) and the result. (draw.CatmullRom on the
// full image would need 150 MiB of scratch here.)
func TestDeriveMemory(t *testing.T) {
	big := fixture(t, "big.jpg")
	decoded := int64(4000 * 3000 * 3 / 2)
	for _, side := range []int{ThumbnailSide, PreviewSide} {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if _, err := Derive(bytes.NewReader(big), 1, side); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		extra := int64(after.TotalAlloc-before.TotalAlloc) - decoded
		t.Logf("side %d: %d MiB allocated besides the %d MiB of pixels", side, extra>>20, decoded>>20)
		if extra > decoded*3/2 {
			t.Errorf("side %d: %d bytes allocated besides the pixels", side, extra)
		}
	}
}

// A decoder that panics on hostile bytes (here: a reader that panics
// under it) gives an error, not a crash.
func TestDecoderPanicIsAnError(t *testing.T) {
	head := fixture(t, "no_exif.jpg")[:200]
	if _, err := Derive(&panickingReader{data: head}, 1, ThumbnailSide); err == nil {
		t.Error("Derive: no error")
	}
	if _, _, err := Dimensions(&panickingReader{data: head}); err == nil {
		t.Error("Dimensions: no error")
	}
}

type panickingReader struct{ data []byte }

func (r *panickingReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		panic("index out of range")
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}
