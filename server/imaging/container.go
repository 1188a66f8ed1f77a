package imaging

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Bounds on the walk through a file's structure in search of its EXIF
// block: real photos carry it in the first few segments or chunks, and a
// hostile file must not turn the search into thousands of reads.
const (
	maxSegments    = 256
	maxChunks      = 4096
	maxExifPayload = 1 << 20
)

// exifHeader starts the APP1 segment that holds EXIF in a JPEG; some
// writers also put it before the TIFF block in PNG and WebP chunks.
const exifHeader = "Exif\x00\x00"

// JPEG markers met before the image data.
const (
	jpegTEM  = 0x01 // standalone
	jpegRST0 = 0xD0 // RST0..RST7: standalone
	jpegRST7 = 0xD7
	jpegSOI  = 0xD8
	jpegEOI  = 0xD9
	jpegSOS  = 0xDA // start of scan: no metadata after it
	jpegAPP1 = 0xE1
	jpegFill = 0xFF // fill byte before a marker
)

// Chunk header sizes: length and type for PNG, FourCC and size for WebP.
const (
	pngChunkHeader  = 8
	webpChunkHeader = 8
)

// readAt reads exactly n bytes at off, or reports io.ErrUnexpectedEOF when
// the file ends first.
func readAt(r io.ReaderAt, size, off int64, n int) ([]byte, error) {
	if off < 0 || n < 0 || off > size || int64(n) > size-off {
		return nil, io.ErrUnexpectedEOF
	}
	b := make([]byte, n)
	m, err := r.ReadAt(b, off)
	if m == n {
		return b, nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return nil, err
}

// corrupt wraps a description of malformed structure in ErrCorruptExif.
func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorruptExif, fmt.Sprintf(format, args...))
}

// jpegExif returns the TIFF block of the first "Exif" APP1 segment before
// the image data, or nil when there is none.
func jpegExif(r io.ReaderAt, size int64) ([]byte, error) {
	pos := int64(2)
	for range maxSegments {
		if pos+2 > size {
			return nil, nil
		}
		m, err := readAt(r, size, pos, 2)
		if err != nil {
			return nil, err
		}
		if m[0] != 0xFF {
			return nil, corrupt("JPEG: no marker at offset %d", pos)
		}
		marker := m[1]
		switch {
		case marker == jpegFill:
			pos++
			continue
		case marker == jpegSOS || marker == jpegEOI:
			return nil, nil
		case marker == jpegTEM || marker == jpegSOI || (marker >= jpegRST0 && marker <= jpegRST7):
			pos += 2
			continue
		}
		lb, err := readAt(r, size, pos+2, 2)
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, nil
		} else if err != nil {
			return nil, err
		}
		length := int64(binary.BigEndian.Uint16(lb))
		if length < 2 {
			return nil, corrupt("JPEG: segment length %d at offset %d", length, pos)
		}
		if marker == jpegAPP1 && length-2 > int64(len(exifHeader)) {
			sig, err := readAt(r, size, pos+4, len(exifHeader))
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, corrupt("JPEG: APP1 segment at offset %d cut short", pos)
			} else if err != nil {
				return nil, err
			}
			if string(sig) == exifHeader {
				body, err := readAt(r, size, pos+4+int64(len(exifHeader)), int(length-2)-len(exifHeader))
				if errors.Is(err, io.ErrUnexpectedEOF) {
					return nil, corrupt("JPEG: EXIF segment at offset %d cut short", pos)
				}
				return body, err
			}
		}
		pos += 2 + length
	}
	return nil, nil
}

// pngExif returns the body of the PNG's eXIf chunk, or nil when there is
// none.
func pngExif(r io.ReaderAt, size int64) ([]byte, error) {
	pos := int64(len(pngMagic))
	for range maxChunks {
		h, err := readAt(r, size, pos, pngChunkHeader)
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, nil
		} else if err != nil {
			return nil, err
		}
		length := int64(binary.BigEndian.Uint32(h[0:4]))
		if length > 1<<31-1 {
			return nil, corrupt("PNG: chunk length %d at offset %d", length, pos)
		}
		switch string(h[4:8]) {
		case "eXIf":
			return chunkBody(r, size, pos+pngChunkHeader, length)
		case "IEND":
			return nil, nil
		}
		pos += pngChunkHeader + length + 4
	}
	return nil, nil
}

// webpExif returns the body of the WebP's EXIF chunk, or nil when there is
// none.
func webpExif(r io.ReaderAt, size int64) ([]byte, error) {
	pos := int64(12)
	for range maxChunks {
		h, err := readAt(r, size, pos, webpChunkHeader)
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, nil
		} else if err != nil {
			return nil, err
		}
		length := int64(binary.LittleEndian.Uint32(h[4:8]))
		if string(h[0:4]) == "EXIF" {
			return chunkBody(r, size, pos+webpChunkHeader, length)
		}
		pos += webpChunkHeader + length + length&1
	}
	return nil, nil
}

// chunkBody reads an EXIF chunk of a PNG or WebP file, at most
// maxExifPayload bytes of it, without the "Exif\0\0" prefix that some
// writers put before the TIFF header.
func chunkBody(r io.ReaderAt, size, off, length int64) ([]byte, error) {
	if off+length > size {
		return nil, corrupt("EXIF chunk at offset %d cut short", off)
	}
	b, err := readAt(r, size, off, int(min(length, maxExifPayload)))
	if err != nil {
		return nil, err
	}
	return bytes.TrimPrefix(b, []byte(exifHeader)), nil
}
