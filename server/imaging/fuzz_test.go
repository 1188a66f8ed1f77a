package imaging

import (
	"bytes"
	"encoding/binary"
	"image/jpeg"
	"testing"
	"time"
)

// tinyJPEG is an SOI, the given segments and an EOI: enough for ReadExif.
func tinyJPEG(segments ...[]byte) []byte {
	return append(jpegWithSegments([]byte{0xFF, 0xD8}, segments...), 0xFF, 0xD9)
}

func FuzzReadExif(f *testing.F) {
	for _, order := range []binary.ByteOrder{binary.BigEndian, binary.LittleEndian} {
		tiff := medanTIFF(order).bytes()
		f.Add(tinyJPEG(jpegSegment(0xE1, append([]byte(exifHeader), tiff...))))
		f.Add(pngWithChunk(fixture(f, "medan.png"), pngChunk("eXIf", tiff)))
	}
	for _, name := range []string{"medan.jpg", "rotated.jpg", "medan.webp", "no_exif.jpg", "bomb.png"} {
		b := fixture(f, name)
		f.Add(b[:min(len(b), 4096)])
	}
	wib := jakarta(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		x, err := ReadExif(bytes.NewReader(data), int64(len(data)), wib)
		if x.Orientation < 1 || x.Orientation > 8 {
			t.Errorf("Orientation %d (err %v)", x.Orientation, err)
		}
		if (x.Lat == nil) != (x.Lon == nil) {
			t.Errorf("only one of Lat, Lon: %+v", x)
		}
		if x.Lat != nil && (*x.Lat < -90 || *x.Lat > 90 || *x.Lon < -180 || *x.Lon > 180) {
			t.Errorf("position %v, %v out of range", *x.Lat, *x.Lon)
		}
		// A head of the file is read the same way as long as it holds the
		// EXIF block: the server reads EXIF from the first bytes only.
		if half := len(data) / 2; err == nil && x.TakenAt == nil && x.Lat == nil {
			if y, _ := ReadExif(bytes.NewReader(data[:half]), int64(half), wib); y.TakenAt != nil || y.Lat != nil {
				t.Errorf("the first half reads %+v, the whole nothing", y)
			}
		}
	})
}

func FuzzDimensions(f *testing.F) {
	for _, name := range []string{"no_exif.jpg", "medan.png", "bomb.png", "medan.webp"} {
		b := fixture(f, name)
		f.Add(b[:min(len(b), 4096)])
	}
	f.Add([]byte("RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		w, h, err := Dimensions(bytes.NewReader(data))
		if err == nil && (w <= 0 || h <= 0) {
			t.Errorf("%d × %d without an error", w, h)
		}
		if _, ok := Sniff(data); !ok && err == nil {
			t.Errorf("measured bytes that Sniff refuses: %d × %d", w, h)
		}
	})
}

// FuzzDerive feeds small hostile images (at most a megapixel, so that the
// fuzzer stays quick) through decoding, turning, scaling and encoding.
func FuzzDerive(f *testing.F) {
	var small bytes.Buffer
	if err := jpeg.Encode(&small, drawPicture(40, 30), nil); err != nil {
		f.Fatal(err)
	}
	f.Add(small.Bytes(), uint8(6), uint16(16))
	f.Add(fixture(f, "medan.png"), uint8(3), uint16(320))
	f.Add(fixture(f, "medan.webp"), uint8(8), uint16(100))
	f.Fuzz(func(t *testing.T, data []byte, orientation uint8, side uint16) {
		w, h, err := Dimensions(bytes.NewReader(data))
		if err != nil || int64(w)*int64(h) > 1<<20 {
			return
		}
		start := time.Now()
		out, err := Derive(bytes.NewReader(data), int(orientation), int(side))
		if err != nil {
			return
		}
		m, err := jpeg.DecodeConfig(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("Derive gave no JPEG: %v", err)
		}
		if max(m.Width, m.Height) > max(int(side), 1) || max(m.Width, m.Height) > max(w, h) {
			t.Errorf("%d × %d → %d × %d at side %d", w, h, m.Width, m.Height, side)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("took %v", d)
		}
	})
}
