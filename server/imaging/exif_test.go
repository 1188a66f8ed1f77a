package imaging

import (
	"bytes"
	"errors"
	"math"
	"testing"
	"time"
)

// wantExif is what a fixture's EXIF should read as; a zero time or NaN
// position means absent.
type wantExif struct {
	taken       time.Time
	lat, lon    float64
	orientation int
}

func checkExif(t *testing.T, name string, got Exif, want wantExif) {
	t.Helper()
	switch {
	case want.taken.IsZero() && got.TakenAt != nil:
		t.Errorf("%s: TakenAt = %v, want none", name, got.TakenAt)
	case !want.taken.IsZero() && (got.TakenAt == nil || !got.TakenAt.Equal(want.taken)):
		t.Errorf("%s: TakenAt = %v, want %v", name, got.TakenAt, want.taken)
	}
	switch {
	case math.IsNaN(want.lat) && (got.Lat != nil || got.Lon != nil):
		t.Errorf("%s: position = %v, %v, want none", name, got.Lat, got.Lon)
	case !math.IsNaN(want.lat) && (got.Lat == nil || got.Lon == nil):
		t.Errorf("%s: no position, want %v, %v", name, want.lat, want.lon)
	case !math.IsNaN(want.lat) && (math.Abs(*got.Lat-want.lat) > 1e-6 || math.Abs(*got.Lon-want.lon) > 1e-6):
		t.Errorf("%s: position = %v, %v, want %v, %v", name, *got.Lat, *got.Lon, want.lat, want.lon)
	}
	if got.Orientation != want.orientation {
		t.Errorf("%s: Orientation = %d, want %d", name, got.Orientation, want.orientation)
	}
}

func TestReadExifFixtures(t *testing.T) {
	wib := jakarta(t)
	noPosition := math.NaN()
	for name, want := range map[string]wantExif{
		"medan.jpg":        {time.Date(2026, 11, 20, 10, 15, 0, 0, wib), 3.5952, 98.6722, 1},
		"medan_offset.jpg": {time.Date(2026, 11, 20, 7, 45, 0, 0, time.UTC), 3.5952, 98.6722, 1},
		"far_away.jpg":     {time.Date(2026, 11, 20, 10, 20, 0, 0, wib), -6.2, 106.8166, 1},
		"rotated.jpg":      {time.Date(2026, 11, 20, 10, 30, 0, 0, wib), 3.5901, 98.6780, 6},
		"big.jpg":          {time.Date(2026, 11, 20, 9, 0, 0, 0, wib), 3.5952, 98.6722, 1},
		"medan.webp":       {time.Date(2026, 11, 20, 10, 15, 0, 0, wib), 3.5952, 98.6722, 1},
		"no_exif.jpg":      {lat: noPosition, orientation: 1},
		"medan.png":        {lat: noPosition, orientation: 1},
		"bomb.png":         {lat: noPosition, orientation: 1},
	} {
		b := fixture(t, name)
		got, err := ReadExif(bytes.NewReader(b), int64(len(b)), wib)
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
		checkExif(t, name, got, want)
	}
}

// Without OffsetTimeOriginal the time is read in the zone given; with it,
// the zone given does not matter.
func TestReadExifZone(t *testing.T) {
	makassar, err := time.LoadLocation("Asia/Makassar")
	if err != nil {
		t.Fatal(err)
	}
	for _, loc := range []*time.Location{time.UTC, jakarta(t), makassar, nil} {
		b := fixture(t, "medan.jpg")
		x, _ := ReadExif(bytes.NewReader(b), int64(len(b)), loc)
		zone := loc
		if zone == nil {
			zone = time.UTC
		}
		if want := time.Date(2026, 11, 20, 10, 15, 0, 0, zone); x.TakenAt == nil || !x.TakenAt.Equal(want) {
			t.Errorf("medan.jpg in %v: TakenAt = %v, want %v", loc, x.TakenAt, want)
		}
		b = fixture(t, "medan_offset.jpg")
		x, _ = ReadExif(bytes.NewReader(b), int64(len(b)), loc)
		if want := time.Date(2026, 11, 20, 14, 45, 0, 0, time.FixedZone("WIB", 7*3600)); x.TakenAt == nil || !x.TakenAt.Equal(want) {
			t.Errorf("medan_offset.jpg in %v: TakenAt = %v, want %v", loc, x.TakenAt, want)
		}
	}
}

func TestReadExifRefuses(t *testing.T) {
	b := fixture(t, "not_an_image.jpg")
	x, err := ReadExif(bytes.NewReader(b), int64(len(b)), time.UTC)
	if !errors.Is(err, ErrUnsupported) {
		t.Errorf("not_an_image.jpg: err = %v, want ErrUnsupported", err)
	}
	if x.TakenAt != nil || x.Lat != nil || x.Orientation != 1 {
		t.Errorf("not_an_image.jpg: %+v, want the zero Exif", x)
	}
}

// The server reads EXIF from the first bytes of a file only.
func TestReadExifFromHead(t *testing.T) {
	b := fixture(t, "big.jpg")[:64<<10]
	x, err := ReadExif(bytes.NewReader(b), int64(len(b)), jakarta(t))
	if err != nil || x.TakenAt == nil || x.Lat == nil {
		t.Errorf("first 64 KiB of big.jpg: %+v, %v", x, err)
	}
}
