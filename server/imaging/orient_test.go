package imaging

import (
	"bytes"
	"image"
	"image/png"
	"testing"
)

// storedFor returns what a camera stores for the upright picture m when it
// tags the file with orientation o: the stored pixel (sx, sy) of a w × h
// stored image is shown at (dx, dy), following the TIFF 6.0 wording ("the
// 0th row represents the visual right-hand side...").
func storedFor(m *image.RGBA, o int) *image.RGBA {
	uw, uh := m.Rect.Dx(), m.Rect.Dy()
	w, h := uw, uh
	if o >= 5 {
		w, h = uh, uw
	}
	s := image.NewRGBA(image.Rect(0, 0, w, h))
	for sy := range h {
		for sx := range w {
			var dx, dy int
			switch o {
			case 1:
				dx, dy = sx, sy // 0th row top, 0th column left
			case 2:
				dx, dy = w-1-sx, sy // 0th row top, 0th column right
			case 3:
				dx, dy = w-1-sx, h-1-sy // 0th row bottom, 0th column right
			case 4:
				dx, dy = sx, h-1-sy // 0th row bottom, 0th column left
			case 5:
				dx, dy = sy, sx // 0th row left, 0th column top
			case 6:
				dx, dy = h-1-sy, sx // 0th row right, 0th column top
			case 7:
				dx, dy = h-1-sy, w-1-sx // 0th row right, 0th column bottom
			case 8:
				dx, dy = sy, w-1-sx // 0th row left, 0th column bottom
			}
			s.SetRGBA(sx, sy, m.RGBAAt(dx, dy))
		}
	}
	return s
}

// Every orientation comes out upright, scaled or not.
func TestDeriveAllOrientations(t *testing.T) {
	pic := drawPicture(240, 180)
	for o := 1; o <= 8; o++ {
		var file bytes.Buffer
		if err := png.Encode(&file, storedFor(pic, o)); err != nil {
			t.Fatal(err)
		}
		for _, side := range []int{1000, 100} {
			out, err := Derive(bytes.NewReader(file.Bytes()), o, side)
			if err != nil {
				t.Fatalf("orientation %d: %v", o, err)
			}
			m, err := decodePixels(TypeJPEG, bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			w, h := 240, 180
			if side == 100 {
				w, h = 100, 75
			}
			if b := m.Bounds(); b.Dx() != w || b.Dy() != h {
				t.Errorf("orientation %d, side %d: %d × %d, want %d × %d", o, side, b.Dx(), b.Dy(), w, h)
			}
			if got := layout(m); got != upright {
				t.Errorf("orientation %d, side %d: layout %v, want %v", o, side, got, upright)
			}
		}
	}
}

// Orientations outside 1..8 are taken as 1.
func TestDeriveBadOrientation(t *testing.T) {
	for _, o := range []int{0, 9, -1} {
		_, m := derive(t, "medan.png", o, ThumbnailSide)
		if got := layout(m); got != upright {
			t.Errorf("orientation %d: layout %v", o, got)
		}
	}
}
