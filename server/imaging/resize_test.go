package imaging

import (
	"image"
	"image/color"
	"math/rand/v2"
	"testing"
)

func TestFit(t *testing.T) {
	for _, c := range []struct{ w, h, side, ww, wh int }{
		{4000, 3000, 1600, 1600, 1200},
		{3000, 4000, 1600, 1200, 1600},
		{4000, 3000, 320, 320, 240},
		{1600, 1200, 1600, 1600, 1200},
		{400, 300, 1600, 400, 300},
		{10000, 10, 320, 320, 1},
		{10, 10000, 320, 1, 320},
		{1, 1, 320, 1, 1},
		{4032, 3024, 320, 320, 240},
		{4000, 2250, 1600, 1600, 900},
	} {
		if w, h := fit(c.w, c.h, c.side); w != c.ww || h != c.wh {
			t.Errorf("fit(%d, %d, %d) = %d, %d; want %d, %d", c.w, c.h, c.side, w, h, c.ww, c.wh)
		}
	}
}

// The YCbCr shortcut of shrink gives the colours of the general path,
// for every chroma subsampling and for an image not at the origin.
func TestShrinkYCbCr(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, ratio := range []image.YCbCrSubsampleRatio{
		image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio420,
		image.YCbCrSubsampleRatio440, image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410,
	} {
		full := image.NewYCbCr(image.Rect(0, 0, 103, 77), ratio)
		// Values kept inside the RGB gamut, where YCbCr → RGB is affine.
		for i := range full.Y {
			full.Y[i] = uint8(64 + rng.IntN(128))
		}
		for i := range full.Cb {
			full.Cb[i] = uint8(112 + rng.IntN(32))
			full.Cr[i] = uint8(112 + rng.IntN(32))
		}
		for _, m := range []*image.YCbCr{full, full.SubImage(image.Rect(5, 3, 100, 70)).(*image.YCbCr)} {
			for _, k := range []int{2, 3, 4, 7} {
				fast, slow := shrink(m, k), shrinkAny(m, k)
				if fast.Rect != slow.Rect {
					t.Fatalf("%v k=%d: %v vs %v", ratio, k, fast.Rect, slow.Rect)
				}
				for i := range fast.Pix {
					if d := int(fast.Pix[i]) - int(slow.Pix[i]); d < -2 || d > 2 {
						t.Fatalf("%v %v k=%d: byte %d is %d, want %d", ratio, m.Rect, k, i, fast.Pix[i], slow.Pix[i])
					}
				}
			}
		}
	}
}

// Fine detail averages out instead of aliasing when the reduction is two
// or more (the box filter's part): a one-pixel checkerboard becomes an even
// grey, with odd block sizes leaving a ripple of 1/k² at most. (Between
// one and two, the bilinear step alone can show moiré on such a pattern.)
func TestResizeNoAliasing(t *testing.T) {
	const sw, sh = 1999, 1501
	board := image.NewGray(image.Rect(0, 0, sw, sh))
	for y := range sh {
		for x := range sw {
			if (x+y)%2 == 0 {
				board.SetGray(x, y, color.Gray{Y: 255})
			}
		}
	}
	for _, side := range []int{999, 640, 320, 97} {
		w, h := fit(sw, sh, side)
		m := resize(board, w, h)
		lo, hi := uint8(255), uint8(0)
		for i := 0; i < len(m.Pix); i += 4 {
			lo, hi = min(lo, m.Pix[i]), max(hi, m.Pix[i])
		}
		if lo < 110 || hi > 145 {
			t.Errorf("side %d: greys from %d to %d, want about 128", side, lo, hi)
		}
	}
}

// Every source pixel counts once, the leftovers in the last block.
func TestShrinkKeepsTheMean(t *testing.T) {
	m := image.NewGray(image.Rect(0, 0, 11, 7))
	m.SetGray(10, 6, color.Gray{Y: 255}) // the corner pixel, a leftover
	s := shrinkAny(m, 3)
	if s.Rect.Dx() != 3 || s.Rect.Dy() != 2 {
		t.Fatalf("size %v, want 3 × 2", s.Rect)
	}
	// The last block is 5 × 4 pixels: 255 / 20.
	if got := s.RGBAAt(2, 1).R; got != 13 {
		t.Errorf("corner block %d, want 13", got)
	}
}

// Transparent pixels are shown over white.
func TestFlattenOnWhite(t *testing.T) {
	m := image.NewRGBA(image.Rect(0, 0, 3, 1))
	m.SetRGBA(0, 0, color.RGBA{0, 0, 0, 0})
	m.SetRGBA(1, 0, color.RGBA{100, 0, 0, 128}) // premultiplied
	m.SetRGBA(2, 0, color.RGBA{10, 20, 30, 255})
	flattenOnWhite(m)
	want := []uint8{255, 255, 255, 255, 227, 127, 127, 255, 10, 20, 30, 255}
	for i := range want {
		if m.Pix[i] != want[i] {
			t.Fatalf("got %v, want %v", m.Pix, want)
		}
	}
}
