package sqlite

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"testing"

	"urcsync/syncproto"
)

// definedHash is contentHash as protocol §3 defines it, spelled out the
// long way: the canonical text of the whole fields object.
func definedHash(ch *syncproto.Change) []byte {
	fields := json.RawMessage("null")
	if ch.Fields != nil {
		b, _ := json.Marshal(ch.Fields)
		if c, err := syncproto.Canonical(b); err == nil {
			fields = c
		}
	}
	id, ok := syncproto.CanonicalUUID(ch.ID)
	if !ok {
		id = ch.ID
	}
	h := sha256.New()
	for _, part := range []string{ch.Collection, id, ch.Kind, ch.HLC, string(fields)} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return h.Sum(nil)
}

// TestContentHashIsStable keeps the hash of stored ops unchanged, so a
// change re-sent after an upgrade is still a duplicate.
func TestContentHashIsStable(t *testing.T) {
	for _, body := range []string{
		`{"collection":"encounters","id":"0190C3C2-0000-7000-8000-000000000002","kind":"upsert","hlc":"h","fields":{"lat":3.50,"category":"anak_jalanan","notes":"é \u00e9 <b>","age":1e2,"tags":[1, {"b":2,"a":1}]}}`,
		`{"collection":"persons","id":"x","kind":"delete","hlc":"h"}`,
		`{"collection":"persons","id":"x","kind":"upsert","hlc":"h","fields":{}}`,
		`{"collection":"persons","id":"x","kind":"upsert","hlc":"h","fields":{"n":1e400}}`,
	} {
		var ch syncproto.Change
		if err := json.Unmarshal([]byte(body), &ch); err != nil {
			t.Fatal(err)
		}
		if got, want := contentHash(&ch), definedHash(&ch); !bytes.Equal(got, want) {
			t.Errorf("hash of %s changed", body)
		}
	}
}
