package imaging

import "errors"

var (
	// ErrUnsupported: the bytes are not a JPEG, PNG or WebP image.
	ErrUnsupported = errors.New("imaging: not a JPEG, PNG or WebP image")
	// ErrTooLarge: the header declares more than MaxPixels pixels.
	ErrTooLarge = errors.New("imaging: image larger than 50 megapixels")
	// ErrCorruptExif: the EXIF block, or the file structure around it, is
	// malformed.
	ErrCorruptExif = errors.New("imaging: corrupt EXIF")
)
