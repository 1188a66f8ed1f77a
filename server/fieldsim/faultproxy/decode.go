package faultproxy

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
)

// Decoded returns a body of an exchange without its content coding, read
// from h: phones may gzip push bodies, and the server gzips answers when
// asked.
func Decoded(body []byte, h http.Header) ([]byte, error) {
	if !strings.EqualFold(strings.TrimSpace(h.Get("Content-Encoding")), "gzip") {
		return body, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	return io.ReadAll(zr)
}
