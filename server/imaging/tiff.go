package imaging

import (
	"bytes"
	"encoding/binary"
)

// TIFF field types used by the EXIF tags read here.
const (
	tiffByte      = 1
	tiffASCII     = 2
	tiffShort     = 3
	tiffLong      = 4
	tiffRational  = 5
	tiffUndefined = 7
	tiffSRational = 10
	tiffIFD       = 13
)

// tiffTypeSize is the size in bytes of one value of each TIFF field type;
// zero for a type this reader does not know.
var tiffTypeSize = map[uint16]uint64{
	tiffByte: 1, tiffASCII: 1, tiffShort: 2, tiffLong: 4, tiffRational: 8,
	6: 1, tiffUndefined: 1, 8: 2, 9: 4, tiffSRational: 8, 11: 4, 12: 8, tiffIFD: 4,
}

// tiff is a TIFF structure (the body of an EXIF block) held in memory. It
// never copies: values are slices of b, so a hostile count cannot make it
// allocate.
type tiff struct {
	b     []byte
	order binary.ByteOrder
	first uint32 // offset of IFD0
}

// parseTIFF checks the TIFF header of b.
func parseTIFF(b []byte) (tiff, error) {
	if len(b) < 8 {
		return tiff{}, corrupt("TIFF header cut short")
	}
	var order binary.ByteOrder
	switch {
	case bytes.HasPrefix(b, []byte("II*\x00")):
		order = binary.LittleEndian
	case bytes.HasPrefix(b, []byte("MM\x00*")):
		order = binary.BigEndian
	default:
		return tiff{}, corrupt("no TIFF header")
	}
	return tiff{b: b, order: order, first: order.Uint32(b[4:8])}, nil
}

// ifd is one image file directory: n entries of 12 bytes from off+2.
type ifd struct {
	t   *tiff
	off uint32
	n   int
}

// ifd returns the directory at off, checked to lie within the block.
func (t *tiff) ifd(off uint32) (ifd, error) {
	if uint64(off)+2 > uint64(len(t.b)) {
		return ifd{}, corrupt("IFD offset %d outside the %d-byte EXIF block", off, len(t.b))
	}
	n := int(t.order.Uint16(t.b[off:]))
	if uint64(off)+2+12*uint64(n) > uint64(len(t.b)) {
		return ifd{}, corrupt("IFD at %d with %d entries runs past the EXIF block", off, n)
	}
	return ifd{t: t, off: off, n: n}, nil
}

// field is one entry's type, count and value bytes.
type field struct {
	typ   uint16
	count uint32
	value []byte
}

// find returns the entry for tag. An entry whose value lies outside the
// block, or of an unknown type, counts as absent.
func (d ifd) find(tag uint16) (field, bool) {
	t := d.t
	for i := range d.n {
		e := t.b[int(d.off)+2+12*i:]
		if t.order.Uint16(e) != tag {
			continue
		}
		typ := t.order.Uint16(e[2:])
		count := t.order.Uint32(e[4:])
		size := tiffTypeSize[typ] * uint64(count)
		if size == 0 {
			return field{}, false
		}
		if size <= 4 {
			return field{typ: typ, count: count, value: e[8 : 8+size]}, true
		}
		off := uint64(t.order.Uint32(e[8:]))
		if off+size > uint64(len(t.b)) {
			return field{}, false
		}
		return field{typ: typ, count: count, value: t.b[off : off+size]}, true
	}
	return field{}, false
}

// ascii returns the text of an ASCII (or UNDEFINED) entry up to its first
// NUL, trimmed of spaces.
func (d ifd) ascii(tag uint16) (string, bool) {
	f, ok := d.find(tag)
	if !ok || (f.typ != tiffASCII && f.typ != tiffUndefined) {
		return "", false
	}
	v := f.value
	if i := bytes.IndexByte(v, 0); i >= 0 {
		v = v[:i]
	}
	return string(bytes.TrimSpace(v)), true
}

// uint returns the first value of a SHORT, LONG or IFD entry.
func (d ifd) uint(tag uint16) (uint32, bool) {
	f, ok := d.find(tag)
	if !ok {
		return 0, false
	}
	switch f.typ {
	case tiffShort:
		return uint32(d.t.order.Uint16(f.value)), true
	case tiffLong, tiffIFD:
		return d.t.order.Uint32(f.value), true
	}
	return 0, false
}

// rationals returns the first (at most) three values of a RATIONAL or
// SRATIONAL entry; false if any of them has a zero denominator.
func (d ifd) rationals(tag uint16) ([]float64, bool) {
	f, ok := d.find(tag)
	if !ok || (f.typ != tiffRational && f.typ != tiffSRational) {
		return nil, false
	}
	n := min(int(f.count), 3)
	out := make([]float64, n)
	for i := range n {
		num := d.t.order.Uint32(f.value[8*i:])
		den := d.t.order.Uint32(f.value[8*i+4:])
		if den == 0 {
			return nil, false
		}
		if f.typ == tiffSRational {
			out[i] = float64(int32(num)) / float64(int32(den))
		} else {
			out[i] = float64(num) / float64(den)
		}
	}
	return out, true
}
