package faultproxy

import (
	"bytes"
	"errors"
	"io"
)

// errCut breaks a forwarded body mid-stream.
var errCut = errors.New("faultproxy: body cut mid-stream")

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

// cutReader yields data and then fails, so the transport breaks the
// connection with the body incomplete.
type cutReader struct {
	data []byte
	off  int
}

func (c *cutReader) Read(p []byte) (int, error) {
	if c.off >= len(c.data) {
		return 0, errCut
	}
	n := copy(p, c.data[c.off:])
	c.off += n
	return n, nil
}
