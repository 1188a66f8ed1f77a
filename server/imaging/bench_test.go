package imaging

import (
	"bytes"
	"testing"
)

// BenchmarkDerive renders big.jpg (4000 × 3000, 3.5 MiB) at both sizes.
func BenchmarkDerive(b *testing.B) {
	big := fixture(b, "big.jpg")
	for _, c := range []struct {
		name string
		side int
	}{{"thumbnail", ThumbnailSide}, {"preview", PreviewSide}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(big)))
			for b.Loop() {
				if _, err := Derive(bytes.NewReader(big), 6, c.side); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecodeOnly is the floor under BenchmarkDerive: decoding
// big.jpg's header and pixels.
func BenchmarkDecodeOnly(b *testing.B) {
	big := fixture(b, "big.jpg")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodePixels(TypeJPEG, bytes.NewReader(big)); err != nil {
			b.Fatal(err)
		}
	}
}
