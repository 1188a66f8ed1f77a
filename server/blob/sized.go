package blob

import (
	"fmt"
	"io"
)

// SizedReader reads exactly size bytes from a source for Put: it ends with
// io.EOF after size bytes without reading further, and fails with an error
// wrapping io.ErrUnexpectedEOF if the source ends sooner. Backends use Err to
// tell a failing source apart from a failing backend.
type SizedReader struct {
	r         io.Reader
	remaining int64
	err       error
}

// NewSizedReader returns a SizedReader for size bytes of r.
func NewSizedReader(r io.Reader, size int64) *SizedReader {
	return &SizedReader{r: r, remaining: size}
}

// Read implements io.Reader.
func (s *SizedReader) Read(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	if s.remaining <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > s.remaining {
		p = p[:s.remaining]
	}
	n, err := s.r.Read(p)
	s.remaining -= int64(n)
	switch {
	case err == io.EOF && s.remaining > 0:
		s.err = fmt.Errorf("body ended %d bytes short: %w", s.remaining, io.ErrUnexpectedEOF)
	case err == io.EOF:
		return n, io.EOF
	case err != nil:
		s.err = fmt.Errorf("reading body: %w", err)
	}
	if s.err != nil {
		return n, s.err
	}
	return n, nil
}

// Err returns the source's failure, if it failed or ended short; nil
// otherwise.
func (s *SizedReader) Err() error { return s.err }

// Remaining returns how many of the size bytes have not been read yet.
func (s *SizedReader) Remaining() int64 { return s.remaining }
