package imaging

import (
	"image"
	"image/color"

	"golang.org/x/image/draw"
)

// resize returns img scaled to w × h (never larger than img) as a new RGBA
// image.
//
// A large reduction is done in two steps: first an exact box filter by the
// largest whole factor that keeps the image at least w × h (every source
// pixel counts, so fine detail averages out instead of aliasing), then
// draw.ApproxBiLinear for the remaining factor, below 2. This is both
// faster than draw.CatmullRom on the full image and free of its
// intermediate buffer of 32 bytes per pixel.
func resize(img image.Image, w, h int) *image.RGBA {
	b := img.Bounds()
	if k := min(b.Dx()/w, b.Dy()/h); k >= 2 {
		img = shrink(img, k)
		b = img.Bounds()
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	if b.Dx() == w && b.Dy() == h {
		draw.Draw(dst, dst.Bounds(), img, b.Min, draw.Src)
	} else {
		draw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	}
	return dst
}

// shrinkRows is how many source rows shrinkAny converts to RGBA at a time.
const shrinkRows = 16

// shrink returns img reduced by the whole factor k: each pixel is the mean
// of a k × k block, and the last block of a row or column also takes the
// pixels left over (fewer than k), so that nothing is cut off and no edge
// pixel stands for a sliver.
func shrink(img image.Image, k int) *image.RGBA {
	if m, ok := img.(*image.YCbCr); ok && m.Rect.Min.X >= 0 && m.Rect.Min.Y >= 0 {
		if hs, vs, ok := chromaShifts(m.SubsampleRatio); ok {
			return shrinkYCbCr(m, k, hs, vs)
		}
	}
	return shrinkAny(img, k)
}

// shrinkAny is shrink for any image, averaging premultiplied RGBA. It
// converts the source a few rows at a time, so besides the result it holds
// only shrinkRows rows.
func shrinkAny(img image.Image, k int) *image.RGBA {
	b := img.Bounds()
	sw, sh := b.Dx(), b.Dy()
	ow, oh := sw/k, sh/k
	dst := image.NewRGBA(image.Rect(0, 0, ow, oh))
	strip := image.NewRGBA(image.Rect(0, 0, sw, min(k, shrinkRows)))
	sum := make([]uint64, 4*ow)
	for oy := range oh {
		clear(sum)
		y0, y1 := oy*k, blockEnd(oy, oh, k, sh)
		for y := y0; y < y1; y += strip.Rect.Dy() {
			rows := min(strip.Rect.Dy(), y1-y)
			draw.Draw(strip, image.Rect(0, 0, sw, rows), img, image.Pt(b.Min.X, b.Min.Y+y), draw.Src)
			for r := range rows {
				addRow(sum, strip.Pix[r*strip.Stride:r*strip.Stride+4*sw], k, ow)
			}
		}
		out := dst.Pix[oy*dst.Stride:]
		for ox := range ow {
			n := uint64((blockEnd(ox, ow, k, sw) - ox*k) * (y1 - y0))
			for c := range 4 {
				out[4*ox+c] = uint8((sum[4*ox+c] + n/2) / n)
			}
		}
	}
	return dst
}

// chromaShifts returns the horizontal and vertical subsampling of the
// chroma planes as shifts.
func chromaShifts(r image.YCbCrSubsampleRatio) (h, v uint, ok bool) {
	switch r {
	case image.YCbCrSubsampleRatio444:
		return 0, 0, true
	case image.YCbCrSubsampleRatio422:
		return 1, 0, true
	case image.YCbCrSubsampleRatio420:
		return 1, 1, true
	case image.YCbCrSubsampleRatio440:
		return 0, 1, true
	case image.YCbCrSubsampleRatio411:
		return 2, 0, true
	case image.YCbCrSubsampleRatio410:
		return 2, 1, true
	}
	return 0, 0, false
}

// shrinkYCbCr is shrink for a decoded JPEG: it averages Y, Cb and Cr in
// place (YCbCr is an affine function of RGB, so the mean converts to the
// mean colour) and converts only the result, reading each source pixel
// once.
func shrinkYCbCr(m *image.YCbCr, k int, hs, vs uint) *image.RGBA {
	r := m.Rect
	sw, sh := r.Dx(), r.Dy()
	ow, oh := sw/k, sh/k
	dst := image.NewRGBA(image.Rect(0, 0, ow, oh))
	sum := make([]uint64, 3*ow)
	cx0 := r.Min.X >> hs
	for oy := range oh {
		clear(sum)
		y0, y1 := oy*k, blockEnd(oy, oh, k, sh)
		for y := y0; y < y1; y++ {
			ay := r.Min.Y + y
			yRow := m.Y[y*m.YStride : y*m.YStride+sw]
			cOff := (ay>>vs - r.Min.Y>>vs) * m.CStride
			cbRow, crRow := m.Cb[cOff:], m.Cr[cOff:]
			for ox := range ow {
				x0 := ox * k
				var sy, sb, sr uint32 // one row of a block: under 2k × 255
				for i, v := range yRow[x0:blockEnd(ox, ow, k, sw)] {
					c := (r.Min.X+x0+i)>>hs - cx0
					sy += uint32(v)
					sb += uint32(cbRow[c])
					sr += uint32(crRow[c])
				}
				s := sum[3*ox : 3*ox+3]
				s[0] += uint64(sy)
				s[1] += uint64(sb)
				s[2] += uint64(sr)
			}
		}
		out := dst.Pix[oy*dst.Stride:]
		for ox := range ow {
			n := uint64((blockEnd(ox, ow, k, sw) - ox*k) * (y1 - y0))
			cr, cg, cb := color.YCbCrToRGB(
				uint8((sum[3*ox]+n/2)/n), uint8((sum[3*ox+1]+n/2)/n), uint8((sum[3*ox+2]+n/2)/n))
			out[4*ox], out[4*ox+1], out[4*ox+2], out[4*ox+3] = cr, cg, cb, 0xFF
		}
	}
	return dst
}

// blockEnd is the end of block o of n blocks of k pixels over size
// pixels: the last block runs to the end.
func blockEnd(o, n, k, size int) int {
	if o == n-1 {
		return size
	}
	return o*k + k
}

// addRow adds one row of RGBA pixels into the channel sums of its n
// blocks of k pixels.
func addRow(sum []uint64, row []uint8, k, n int) {
	for ox := range n {
		block := row[4*ox*k : 4*blockEnd(ox, n, k, len(row)/4)]
		var r, g, b, a uint64
		for i := 0; i < len(block); i += 4 {
			r += uint64(block[i])
			g += uint64(block[i+1])
			b += uint64(block[i+2])
			a += uint64(block[i+3])
		}
		s := sum[4*ox : 4*ox+4]
		s[0] += r
		s[1] += g
		s[2] += b
		s[3] += a
	}
}
