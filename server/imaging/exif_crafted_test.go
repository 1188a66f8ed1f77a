package imaging

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"runtime"
	"testing"
	"time"
)

// exifJPEG returns no_exif.jpg carrying the EXIF block tiff.
func exifJPEG(t *testing.T, tiff []byte) []byte {
	t.Helper()
	return jpegWithSegments(fixture(t, "no_exif.jpg"), jpegSegment(0xE1, append([]byte(exifHeader), tiff...)))
}

func readJPEGExif(t *testing.T, tiff []byte) (Exif, error) {
	t.Helper()
	jpg := exifJPEG(t, tiff)
	return ReadExif(bytes.NewReader(jpg), int64(len(jpg)), jakarta(t))
}

// medanTIFF is a typical phone EXIF block: orientation, time, GPS.
func medanTIFF(order binary.ByteOrder) *tiffBuilder {
	b := &tiffBuilder{order: order}
	b.ifd0 = []testTag{b.short(tagOrientation, 1), asciiTag(tagDateTime, "2026:11:20 11:00:00")}
	b.exif = []testTag{asciiTag(tagDateTimeOriginal, "2026:11:20 10:15:00")}
	b.gps = []testTag{
		asciiTag(tagGPSLatitudeRef, "N"), b.rational(tagGPSLatitude, 3, 1, 35, 1, 4272, 100),
		asciiTag(tagGPSLongitudeRef, "E"), b.rational(tagGPSLongitude, 98, 1, 40, 1, 1992, 100),
	}
	return b
}

func TestReadExifCrafted(t *testing.T) {
	wib := jakarta(t)
	noPosition := math.NaN()
	medanTime := time.Date(2026, 11, 20, 10, 15, 0, 0, wib)
	for _, c := range []struct {
		name  string
		edit  func(b *tiffBuilder)
		order binary.ByteOrder
		want  wantExif
	}{
		{"big-endian", nil, binary.BigEndian, wantExif{medanTime, 3.5952, 98.6722, 1}},
		{"little-endian", nil, binary.LittleEndian, wantExif{medanTime, 3.5952, 98.6722, 1}},
		{"south and west", func(b *tiffBuilder) {
			b.gps[0], b.gps[2] = asciiTag(tagGPSLatitudeRef, "S"), asciiTag(tagGPSLongitudeRef, "W")
		}, binary.BigEndian, wantExif{medanTime, -3.5952, -98.6722, 1}},
		{"lower-case references", func(b *tiffBuilder) {
			b.gps[0], b.gps[2] = asciiTag(tagGPSLatitudeRef, "s"), asciiTag(tagGPSLongitudeRef, "e")
		}, binary.BigEndian, wantExif{medanTime, -3.5952, 98.6722, 1}},
		{"degrees only", func(b *tiffBuilder) {
			b.gps[1] = b.rational(tagGPSLatitude, 35952, 10000)
		}, binary.BigEndian, wantExif{medanTime, 3.5952, 98.6722, 1}},
		{"fallback to DateTime", func(b *tiffBuilder) {
			b.exif = nil
		}, binary.BigEndian, wantExif{time.Date(2026, 11, 20, 11, 0, 0, 0, wib), 3.5952, 98.6722, 1}},
		{"DateTime with OffsetTime", func(b *tiffBuilder) {
			b.exif = []testTag{asciiTag(tagOffsetTime, "+08:00"), asciiTag(tagOffsetTimeOriginal, "+09:00")}
		}, binary.BigEndian, wantExif{time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC), 3.5952, 98.6722, 1}},
		{"OffsetTimeOriginal west of UTC", func(b *tiffBuilder) {
			b.exif = append(b.exif, asciiTag(tagOffsetTimeOriginal, "-03:30"))
		}, binary.BigEndian, wantExif{time.Date(2026, 11, 20, 13, 45, 0, 0, time.UTC), 3.5952, 98.6722, 1}},
		{"malformed offset: read in the zone given", func(b *tiffBuilder) {
			b.exif = append(b.exif, asciiTag(tagOffsetTimeOriginal, "+7:00"))
		}, binary.BigEndian, wantExif{medanTime, 3.5952, 98.6722, 1}},
		{"blank camera clock", func(b *tiffBuilder) {
			b.ifd0[1] = asciiTag(tagDateTime, "    :  :     :  :  ")
			b.exif = []testTag{asciiTag(tagDateTimeOriginal, "0000:00:00 00:00:00")}
		}, binary.BigEndian, wantExif{lat: 3.5952, lon: 98.6722, orientation: 1}},
		{"time as a number", func(b *tiffBuilder) {
			b.ifd0 = b.ifd0[:1]
			b.exif = []testTag{b.long(tagDateTimeOriginal, 1)}
		}, binary.BigEndian, wantExif{lat: 3.5952, lon: 98.6722, orientation: 1}},
		{"orientation 8", func(b *tiffBuilder) {
			b.ifd0[0] = b.short(tagOrientation, 8)
		}, binary.LittleEndian, wantExif{medanTime, 3.5952, 98.6722, 8}},
		{"orientation as LONG", func(b *tiffBuilder) {
			b.ifd0[0] = b.long(tagOrientation, 3)
		}, binary.BigEndian, wantExif{medanTime, 3.5952, 98.6722, 3}},
		{"orientation out of range", func(b *tiffBuilder) {
			b.ifd0[0] = b.short(tagOrientation, 9)
		}, binary.BigEndian, wantExif{medanTime, 3.5952, 98.6722, 1}},
		{"no latitude reference", func(b *tiffBuilder) {
			b.gps = b.gps[1:]
		}, binary.BigEndian, wantExif{medanTime, noPosition, 0, 1}},
		{"bad reference letter", func(b *tiffBuilder) {
			b.gps[2] = asciiTag(tagGPSLongitudeRef, "X")
		}, binary.BigEndian, wantExif{medanTime, noPosition, 0, 1}},
		{"zero denominator", func(b *tiffBuilder) {
			b.gps[1] = b.rational(tagGPSLatitude, 3, 1, 35, 0, 4272, 100)
		}, binary.BigEndian, wantExif{medanTime, noPosition, 0, 1}},
		{"latitude over 90", func(b *tiffBuilder) {
			b.gps[1] = b.rational(tagGPSLatitude, 91, 1, 0, 1, 0, 1)
		}, binary.BigEndian, wantExif{medanTime, noPosition, 0, 1}},
		{"no GPS", func(b *tiffBuilder) {
			b.gps = nil
		}, binary.BigEndian, wantExif{medanTime, noPosition, 0, 1}},
	} {
		b := medanTIFF(c.order)
		if c.edit != nil {
			c.edit(b)
		}
		b.order = c.order
		got, err := readJPEGExif(t, b.bytes())
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
		checkExif(t, c.name, got, c.want)
	}
}

// EXIF in a PNG eXIf chunk, with and without the "Exif\0\0" prefix.
func TestReadExifPNG(t *testing.T) {
	tiff := medanTIFF(binary.LittleEndian).bytes()
	for _, body := range [][]byte{tiff, append([]byte(exifHeader), tiff...)} {
		png := pngWithChunk(fixture(t, "medan.png"), pngChunk("eXIf", body))
		x, err := ReadExif(bytes.NewReader(png), int64(len(png)), jakarta(t))
		if err != nil {
			t.Fatal(err)
		}
		checkExif(t, "PNG eXIf", x, wantExif{time.Date(2026, 11, 20, 10, 15, 0, 0, jakarta(t)), 3.5952, 98.6722, 1})
	}
}

// The EXIF APP1 segment need not be the first: JFIF and XMP may come first.
func TestReadExifAfterOtherSegments(t *testing.T) {
	tiff := medanTIFF(binary.BigEndian).bytes()
	jpg := jpegWithSegments(fixture(t, "no_exif.jpg"),
		jpegSegment(0xE0, []byte("JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")),
		jpegSegment(0xE1, []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta/>")),
		[]byte{0xFF}, // a fill byte before the next marker
		jpegSegment(0xE1, append([]byte(exifHeader), tiff...)))
	x, err := ReadExif(bytes.NewReader(jpg), int64(len(jpg)), jakarta(t))
	if err != nil || x.TakenAt == nil || x.Lat == nil {
		t.Errorf("got %+v, %v", x, err)
	}
}

// Damaged EXIF: an error wrapping ErrCorruptExif, and whatever could be
// read.
func TestReadExifCorrupt(t *testing.T) {
	good := medanTIFF(binary.BigEndian).bytes()
	// IFD0 of medanTIFF: orientation, DateTime, Exif pointer, GPS pointer.
	exifPointer := 8 + 2 + 12*2 + 8
	gpsPointer := exifPointer + 12
	withLong := func(off int, v uint32) []byte {
		b := bytes.Clone(good)
		binary.BigEndian.PutUint32(b[off:], v)
		return b
	}
	for _, c := range []struct {
		name        string
		tiff        []byte
		wantTime    bool
		wantGPS     bool
		orientation int
	}{
		{"no TIFF header", []byte("XX\x00*\x00\x00\x00\x08"), false, false, 1},
		{"header cut short", good[:6], false, false, 1},
		{"IFD0 outside the block", withLong(4, 1<<30), false, false, 1},
		{"IFD0 entries run past the end", good[:20], false, false, 1},
		{"Exif IFD outside the block", withLong(exifPointer, 0xFFFFFFF0), true, true, 1},
		{"GPS IFD outside the block", withLong(gpsPointer, uint32(len(good))), true, false, 1},
	} {
		x, err := readJPEGExif(t, c.tiff)
		if !errors.Is(err, ErrCorruptExif) {
			t.Errorf("%s: err = %v, want ErrCorruptExif", c.name, err)
		}
		if (x.TakenAt != nil) != c.wantTime || (x.Lat != nil) != c.wantGPS || x.Orientation != c.orientation {
			t.Errorf("%s: got %+v, want time %v, GPS %v, orientation %d", c.name, x, c.wantTime, c.wantGPS, c.orientation)
		}
	}
}

// A directory pointing back at itself is read once, without looping.
func TestReadExifCycle(t *testing.T) {
	b := &tiffBuilder{order: binary.BigEndian}
	b.ifd0 = []testTag{b.short(tagOrientation, 6), asciiTag(tagDateTime, "2026:11:20 11:00:00"),
		b.long(tagExifIFD, 8), b.long(tagGPSIFD, 8)}
	x, err := readJPEGExif(t, b.bytes())
	if err != nil || x.Orientation != 6 || x.TakenAt == nil || x.Lat != nil {
		t.Errorf("got %+v, %v", x, err)
	}
}

// Values are never copied out of the block: an entry that claims four
// billion characters costs nothing (an EXIF library evaluated for this
// package allocated 4 GiB for such an entry).
func TestReadExifHugeCount(t *testing.T) {
	b := medanTIFF(binary.BigEndian)
	b.ifd0 = []testTag{b.ifd0[0], {0x010F, tiffASCII, 0xFF000000, []byte("Make")}} // Make
	b.exif[0].count = 0xFFFFFFFF
	jpg := exifJPEG(t, b.bytes())
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	x, err := ReadExif(bytes.NewReader(jpg), int64(len(jpg)), time.UTC)
	runtime.ReadMemStats(&after)
	if err != nil || x.TakenAt != nil || x.Lat == nil {
		t.Errorf("got %+v, %v; want the position and no time", x, err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Errorf("allocated %d bytes", n)
	}
}

// Structure around the EXIF block that lies about its length.
func TestReadExifContainerLies(t *testing.T) {
	tiff := medanTIFF(binary.BigEndian).bytes()
	seg := jpegSegment(0xE1, append([]byte(exifHeader), tiff...))
	jpg := append([]byte{0xFF, 0xD8}, seg...)
	jpg = jpg[:len(jpg)-10] // the segment's length now runs past the end
	if _, err := ReadExif(bytes.NewReader(jpg), int64(len(jpg)), time.UTC); !errors.Is(err, ErrCorruptExif) {
		t.Errorf("APP1 past the end: err = %v, want ErrCorruptExif", err)
	}
	bad := []byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x01}
	if _, err := ReadExif(bytes.NewReader(bad), int64(len(bad)), time.UTC); !errors.Is(err, ErrCorruptExif) {
		t.Errorf("segment length 1: err = %v, want ErrCorruptExif", err)
	}
	png := pngWithChunk(fixture(t, "medan.png"), pngChunk("eXIf", tiff))
	binary.BigEndian.PutUint32(png[33:], 1<<30)
	if _, err := ReadExif(bytes.NewReader(png), int64(len(png)), time.UTC); !errors.Is(err, ErrCorruptExif) {
		t.Errorf("eXIf past the end: err = %v, want ErrCorruptExif", err)
	}
}
