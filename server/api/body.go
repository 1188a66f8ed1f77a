package api

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/klauspost/compress/gzip"

	"urcsync/server/core"
	"urcsync/syncproto"
)

// MaxPushBytes bounds a push body after decompression (§3).
const MaxPushBytes = 4 << 20

// maxSmallBody bounds every other JSON body.
const maxSmallBody = 64 << 10

// maxPresized bounds the room set aside for a body from its declared
// length.
const maxPresized = 1 << 20

// readJSONBody reads a JSON request body of at most limit bytes after
// decompression. Gzip is undone with the output bounded, so a small
// compressed body cannot expand without limit.
func readJSONBody(c *gin.Context, limit int64) ([]byte, error) {
	if ct := c.GetHeader("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && mt != "text/json") {
			return nil, core.Errorf(syncproto.CodeUnsupportedMedia, "send JSON with Content-Type: application/json")
		}
	}
	raw := http.MaxBytesReader(c.Writer, c.Request.Body, limit+1)
	var r io.Reader = raw
	switch c.GetHeader("Content-Encoding") {
	case "", "identity":
	case "gzip":
		zr, err := gzip.NewReader(raw)
		if err != nil {
			return nil, tooLargeOr(err, core.Errorf(syncproto.CodeInvalidJSON, "the body is not valid gzip"))
		}
		defer zr.Close()
		r = zr
	default:
		return nil, core.Errorf(syncproto.CodeUnsupportedMedia, "Content-Encoding must be gzip or identity")
	}
	var buf bytes.Buffer
	if n := c.Request.ContentLength; r == io.Reader(raw) && n > 0 && n <= limit {
		// Read in one piece, not doubling; a length only claimed reserves
		// no more than maxPresized before its bytes arrive.
		buf.Grow(int(min(n, maxPresized)) + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(io.LimitReader(r, limit+1)); err != nil {
		return nil, tooLargeOr(err, core.Errorf(syncproto.CodeInvalidJSON, "the body could not be read"))
	}
	if int64(buf.Len()) > limit {
		return nil, core.Errorf(syncproto.CodePayloadTooLarge, "the body is over %d bytes", limit)
	}
	return buf.Bytes(), nil
}

func tooLargeOr(err error, otherwise error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return core.Errorf(syncproto.CodePayloadTooLarge, "the body is too large")
	}
	return otherwise
}

// decodeJSON decodes body into v: malformed JSON is invalid_json, a value
// of the wrong type invalid_request. Duplicate names and invalid UTF-8
// are let through here, as far as the body goes, so that a push's changes,
// kept raw, are each judged on their own.
func decodeJSON(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return core.Errorf(syncproto.CodeInvalidJSON, "the body is empty")
	}
	lenient := []jsontext.Options{jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)}
	err := json.Unmarshal(body, v, lenient...)
	if err == nil {
		return nil
	}
	// A wrong type can be met before malformed text further on; the
	// body as a whole decides which it is.
	var syntax *jsontext.SyntacticError
	var se *json.SemanticError
	if !errors.As(err, &syntax) && errors.As(err, &se) && jsontext.Value(body).IsValid(lenient...) {
		return core.Errorf(syncproto.CodeInvalidRequest, "wrong type for %q", wirePath(se.JSONPointer))
	}
	return core.Errorf(syncproto.CodeInvalidJSON, "the body is not valid JSON")
}

// wirePath writes a JSON pointer as the dotted path of names a client
// reads in its request ("/changes/3" is "changes.3").
func wirePath(p jsontext.Pointer) string {
	var parts []string
	for name := range p.Tokens() {
		parts = append(parts, name)
	}
	return strings.Join(parts, ".")
}

// bindJSON reads and decodes a small JSON body.
func bindJSON(c *gin.Context, v any) error {
	body, err := readJSONBody(c, maxSmallBody)
	if err != nil {
		return err
	}
	return decodeJSON(body, v)
}
