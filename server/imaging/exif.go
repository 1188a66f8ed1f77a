package imaging

import (
	"errors"
	"io"
	"time"
)

// EXIF tags read by ReadExif.
const (
	tagOrientation        = 0x0112 // IFD0
	tagDateTime           = 0x0132 // IFD0
	tagExifIFD            = 0x8769 // IFD0: pointer to the Exif IFD
	tagGPSIFD             = 0x8825 // IFD0: pointer to the GPS IFD
	tagDateTimeOriginal   = 0x9003 // Exif IFD
	tagOffsetTime         = 0x9010 // Exif IFD: offset of DateTime
	tagOffsetTimeOriginal = 0x9011 // Exif IFD: offset of DateTimeOriginal
	tagGPSLatitudeRef     = 0x0001 // GPS IFD
	tagGPSLatitude        = 0x0002 // GPS IFD
	tagGPSLongitudeRef    = 0x0003 // GPS IFD
	tagGPSLongitude       = 0x0004 // GPS IFD
)

// Exif holds the EXIF values that the server checks (protocol §5).
type Exif struct {
	// TakenAt is DateTimeOriginal, or DateTime when that is absent; nil
	// when neither holds a valid time.
	TakenAt *time.Time
	// Lat and Lon are the GPS position in decimal degrees, negative south
	// and west; both nil unless both are present and valid.
	Lat, Lon *float64
	// Orientation is the EXIF orientation, 1..8; 1 when absent or invalid.
	Orientation int
}

// ReadExif reads the EXIF block of a JPEG (APP1 segment), PNG (eXIf chunk)
// or WebP (EXIF chunk) of size bytes; r may also hold only the file's
// first bytes, with size their number, as long as the EXIF block is among
// them.
//
// Times are read in their own offset when the matching offset tag is
// present (OffsetTimeOriginal for DateTimeOriginal, OffsetTime for
// DateTime) and in loc otherwise; a nil loc means UTC.
//
// A file without EXIF gives the zero Exif with Orientation 1 and no error;
// bytes that are not a JPEG, PNG or WebP give ErrUnsupported. When the EXIF
// block is damaged the error wraps ErrCorruptExif and the Exif returned
// still holds every value that could be read.
func ReadExif(r io.ReaderAt, size int64, loc *time.Location) (Exif, error) {
	x := Exif{Orientation: 1}
	if loc == nil {
		loc = time.UTC
	}
	head, err := readAt(r, size, 0, int(min(size, SniffLen)))
	if err != nil {
		return x, err
	}
	ct, ok := Sniff(head)
	if !ok {
		return x, ErrUnsupported
	}
	var block []byte
	switch ct {
	case TypeJPEG:
		block, err = jpegExif(r, size)
	case TypePNG:
		block, err = pngExif(r, size)
	case TypeWebP:
		block, err = webpExif(r, size)
	}
	if err != nil || block == nil {
		return x, err
	}
	return parseExif(block, loc)
}

// parseExif reads the values of Exif from a TIFF block.
func parseExif(block []byte, loc *time.Location) (Exif, error) {
	x := Exif{Orientation: 1}
	t, err := parseTIFF(block)
	if err != nil {
		return x, err
	}
	ifd0, err := t.ifd(t.first)
	if err != nil {
		return x, err
	}
	if o, ok := ifd0.uint(tagOrientation); ok && o >= 1 && o <= 8 {
		x.Orientation = int(o)
	}
	var errs []error
	sub := func(tag uint16) (ifd, bool) {
		off, ok := ifd0.uint(tag)
		if !ok {
			return ifd{}, false
		}
		d, err := t.ifd(off)
		if err != nil {
			errs = append(errs, err)
			return ifd{}, false
		}
		return d, true
	}
	exifIFD, _ := sub(tagExifIFD) // when absent, an empty directory
	x.TakenAt = exifTime(exifIFD, tagDateTimeOriginal, exifIFD, tagOffsetTimeOriginal, loc)
	if x.TakenAt == nil {
		x.TakenAt = exifTime(ifd0, tagDateTime, exifIFD, tagOffsetTime, loc)
	}
	if gps, ok := sub(tagGPSIFD); ok {
		lat, okLat := coordinate(gps, tagGPSLatitudeRef, tagGPSLatitude, 'N', 'S', 90)
		lon, okLon := coordinate(gps, tagGPSLongitudeRef, tagGPSLongitude, 'E', 'W', 180)
		if okLat && okLon {
			x.Lat, x.Lon = &lat, &lon
		}
	}
	return x, errors.Join(errs...)
}
