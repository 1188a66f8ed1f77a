package imaging

import "image"

// orient returns src as a viewer shows it for the EXIF orientation o: the
// stored image mirrored and/or turned. Orientation 1 returns src itself.
//
//	1 as stored            5 mirrored across the main diagonal (transpose)
//	2 mirrored left-right  6 turned 90° clockwise
//	3 turned 180°          7 mirrored across the other diagonal (transverse)
//	4 mirrored top-bottom  8 turned 90° counter-clockwise
func orient(src *image.RGBA, o int) *image.RGBA {
	if o < 2 || o > 8 {
		return src
	}
	w, h := src.Rect.Dx(), src.Rect.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for dy := range dh {
		for dx := range dw {
			var sx, sy int
			switch o {
			case 2:
				sx, sy = w-1-dx, dy
			case 3:
				sx, sy = w-1-dx, h-1-dy
			case 4:
				sx, sy = dx, h-1-dy
			case 5:
				sx, sy = dy, dx
			case 6:
				sx, sy = dy, h-1-dx
			case 7:
				sx, sy = w-1-dy, h-1-dx
			case 8:
				sx, sy = w-1-dy, dx
			}
			si := src.PixOffset(src.Rect.Min.X+sx, src.Rect.Min.Y+sy)
			di := dst.PixOffset(dx, dy)
			copy(dst.Pix[di:di+4], src.Pix[si:si+4])
		}
	}
	return dst
}

// flattenOnWhite composites the premultiplied RGBA image m over white in
// place, since JPEG has no transparency.
func flattenOnWhite(m *image.RGBA) {
	for i := 0; i+3 < len(m.Pix); i += 4 {
		a := m.Pix[i+3]
		if a == 0xFF {
			continue
		}
		add := 0xFF - a
		m.Pix[i] += add
		m.Pix[i+1] += add
		m.Pix[i+2] += add
		m.Pix[i+3] = 0xFF
	}
}
