package imaging

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// The content types that Sniff recognises.
const (
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
	TypeWebP = "image/webp"
)

// SniffLen is the number of leading bytes that Sniff looks at; fewer may
// suffice (three for a JPEG).
const SniffLen = 16

var pngMagic = []byte("\x89PNG\r\n\x1a\n")

// Sniff judges the type of an image by its first bytes: "image/jpeg",
// "image/png" or "image/webp", and ok=false for anything else (text, GIF,
// PDF, a head too short to tell...).
//
// It checks the signature only: a file that starts right but is truncated
// or corrupt further on is accepted here and refused by Dimensions and
// Derive.
func Sniff(head []byte) (contentType string, ok bool) {
	switch {
	case len(head) >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF:
		return TypeJPEG, true
	case bytes.HasPrefix(head, pngMagic):
		return TypePNG, true
	case isWebP(head):
		return TypeWebP, true
	}
	return "", false
}

// isWebP reports whether head starts a RIFF WEBP file whose first chunk is
// a VP8 (lossy), VP8L (lossless) or VP8X (extended) one.
func isWebP(head []byte) bool {
	if len(head) < 16 || string(head[0:4]) != "RIFF" || string(head[8:12]) != "WEBP" {
		return false
	}
	switch string(head[12:16]) {
	case "VP8 ", "VP8L", "VP8X":
		return true
	}
	return false
}

// sniffReader judges the type from the first bytes of br, leaving them
// unread. It returns ErrUnsupported for bytes Sniff refuses, or the
// reader's error when that came before enough bytes.
func sniffReader(br *bufio.Reader) (string, error) {
	head, err := br.Peek(SniffLen)
	if ct, ok := Sniff(head); ok {
		return ct, nil
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return "", ErrUnsupported
}
