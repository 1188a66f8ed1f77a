package imaging

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image/jpeg"
	"io"
)

// The derivative sizes of protocol §5: the longest side, in pixels.
const (
	ThumbnailSide = 320
	PreviewSide   = 1600
)

// DeriveQuality is the JPEG quality of thumbnails and previews.
const DeriveQuality = 82

// maxHeaderBytes bounds how much of a file Derive holds while it reads the
// header, before the pixels: enough for every real photo's metadata
// segments ahead of the image data.
const maxHeaderBytes = 16 << 20

// errHeaderTooLong: the header did not end within maxHeaderBytes.
var errHeaderTooLong = errors.New("imaging: image header longer than 16 MiB")

// Derive renders a JPEG, PNG or WebP image as a JPEG of quality
// DeriveQuality for display: turned upright for the EXIF orientation (1..8;
// other values count as 1), scaled so that its longest side is at most
// maxSide (never enlarged), and carrying no metadata at all (no EXIF, XMP,
// ICC profile or comment). Transparent areas are rendered over white.
//
// It reads the header first and returns ErrTooLarge, without decoding, for
// an image of more than MaxPixels; ErrUnsupported for other bytes. An
// error of r is returned so that errors.Is finds it. Besides the decoded
// pixels it holds at most a reduced copy (a quarter of them or less) and
// the result.
func Derive(r io.Reader, orientation int, maxSide int) (out []byte, err error) {
	if maxSide < 1 {
		return nil, fmt.Errorf("imaging: maxSide %d, want at least 1", maxSide)
	}
	if orientation < 1 || orientation > 8 {
		orientation = 1
	}
	defer recoverDecoder(&err)

	br := bufio.NewReader(r)
	ct, err := sniffReader(br)
	if err != nil {
		return nil, err
	}
	// The header is read once for its size, kept, and read again by the
	// decoder: r need not be seekable.
	var header bytes.Buffer
	limited := &io.LimitedReader{R: br, N: maxHeaderBytes}
	cfg, err := decodeConfig(ct, io.TeeReader(limited, &header))
	if err != nil {
		if limited.N <= 0 {
			return nil, errHeaderTooLong
		}
		return nil, err
	}
	if tooLarge(cfg.Width, cfg.Height) {
		return nil, fmt.Errorf("%w: %d × %d pixels", ErrTooLarge, cfg.Width, cfg.Height)
	}
	img, err := decodePixels(ct, io.MultiReader(&header, br))
	if err != nil {
		return nil, err
	}

	b := img.Bounds()
	w, h := fit(b.Dx(), b.Dy(), maxSide)
	upright := orient(resize(img, w, h), orientation)
	flattenOnWhite(upright)

	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, upright, &jpeg.Options{Quality: DeriveQuality}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// fit returns the size to scale a w × h image to so that its longest side
// is at most maxSide (turning does not change that side). The aspect ratio
// is kept, no side falls below 1, nothing is enlarged.
func fit(w, h, maxSide int) (int, int) {
	long, short := w, h
	if short > long {
		long, short = short, long
	}
	if long <= maxSide {
		return w, h
	}
	scaled := max(1, int((int64(short)*int64(maxSide)+int64(long)/2)/int64(long)))
	if w >= h {
		return maxSide, scaled
	}
	return scaled, maxSide
}
