package sqlite

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
)

// errBadCursor is returned for a cursor the server did not issue.
var errBadCursor = errors.New("cursor not issued by this server")

// cursor is what an opaque pull cursor carries: a server position, and
// whose scope it was issued for (the user and their team epoch).
type cursor struct {
	Seq    int64
	UserID string
	Epoch  int64
}

// cursorCodec signs cursors with a key kept in the database, so a cursor
// the server never issued is recognised.
type cursorCodec struct{ key []byte }

func (c cursorCodec) mac(payload string) string {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:12])
}

func (c cursorCodec) encode(cur cursor) string {
	payload := "1." + strconv.FormatInt(cur.Seq, 36) + "." + cur.UserID + "." + strconv.FormatInt(cur.Epoch, 36)
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + c.mac(payload)
}

func (c cursorCodec) decode(s string) (cursor, error) {
	enc, sig, ok := strings.Cut(s, ".")
	if !ok || len(s) > 256 {
		return cursor{}, errBadCursor
	}
	raw, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		return cursor{}, errBadCursor
	}
	payload := string(raw)
	if !hmac.Equal([]byte(sig), []byte(c.mac(payload))) {
		return cursor{}, errBadCursor
	}
	parts := strings.Split(payload, ".")
	if len(parts) != 4 || parts[0] != "1" {
		return cursor{}, errBadCursor
	}
	seq, err1 := strconv.ParseInt(parts[1], 36, 64)
	epoch, err2 := strconv.ParseInt(parts[3], 36, 64)
	if err1 != nil || err2 != nil {
		return cursor{}, errBadCursor
	}
	return cursor{Seq: seq, UserID: parts[2], Epoch: epoch}, nil
}
