package imaging

import (
	"bytes"
	"image"
	"math"
	"testing"
	"time"

	"golang.org/x/image/draw"
)

func psnr(a, b *image.RGBA) float64 {
	var se float64
	for i := range a.Pix {
		if i%4 == 3 {
			continue
		}
		d := float64(a.Pix[i]) - float64(b.Pix[i])
		se += d * d
	}
	mse := se / float64(len(a.Pix)*3/4)
	return 10 * math.Log10(255*255/mse)
}

func TestTmpQuality(t *testing.T) {
	src, _ := decodePixels(TypeJPEG, bytes.NewReader(fixture(t, "big.jpg")))
	// fine pattern: 1px stripes
	stripes := image.NewRGBA(image.Rect(0, 0, 4000, 3000))
	for y := 0; y < 3000; y++ {
		for x := 0; x < 4000; x++ {
			v := uint8(0)
			if (x+y/3)%2 == 0 {
				v = 255
			}
			i := stripes.PixOffset(x, y)
			stripes.Pix[i], stripes.Pix[i+1], stripes.Pix[i+2], stripes.Pix[i+3] = v, v, v, 255
		}
	}
	for _, in := range []struct {
		n string
		m image.Image
	}{{"big.jpg", src}, {"stripes", stripes}} {
		for _, side := range []int{1600, 320} {
			w, h := fit(4000, 3000, side)
			ref := image.NewRGBA(image.Rect(0, 0, w, h))
			draw.CatmullRom.Scale(ref, ref.Bounds(), in.m, in.m.Bounds(), draw.Src, nil)
			run := func(name string, f func() *image.RGBA) {
				st := time.Now()
				out := f()
				t.Logf("%-8s %4d %-28s %7v PSNR %.1f dB", in.n, side, name, time.Since(st).Round(time.Millisecond), psnr(ref, out))
			}
			run("ApproxBiLinear direct", func() *image.RGBA {
				o := image.NewRGBA(image.Rect(0, 0, w, h))
				draw.ApproxBiLinear.Scale(o, o.Bounds(), in.m, in.m.Bounds(), draw.Src, nil)
				return o
			})
			run("BiLinear (kernel) direct", func() *image.RGBA {
				o := image.NewRGBA(image.Rect(0, 0, w, h))
				draw.BiLinear.Scale(o, o.Bounds(), in.m, in.m.Bounds(), draw.Src, nil)
				return o
			})
			run("box + ApproxBiLinear (resize)", func() *image.RGBA { return resize(in.m, w, h) })
			run("box + CatmullRom", func() *image.RGBA {
				k := min(4000/w, 3000/h)
				var m image.Image = in.m
				if k >= 2 {
					m = shrink(in.m, k)
				}
				o := image.NewRGBA(image.Rect(0, 0, w, h))
				draw.CatmullRom.Scale(o, o.Bounds(), m, m.Bounds(), draw.Src, nil)
				return o
			})
		}
	}
}
