package api

import (
	"errors"
	"strings"
	"testing"

	"urcsync/server/core"
	"urcsync/syncproto"
)

// A push body is judged as a whole only for its own shape: a change
// with a repeated name or invalid UTF-8 inside is kept raw, to be
// rejected alone later, and does not fail the batch.
func TestDecodePushBodyKeepsOddChangesRaw(t *testing.T) {
	body := []byte(`{"device_id":"d","changes":[{"fields":{"lat":1,"lat":2}},{"notes":"bad ` + "\xff" + ` byte"},{"ok":true}]}`)
	var env pushEnvelope
	if err := decodeJSON(body, &env); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if len(env.Changes) != 3 || string(env.Changes[0]) != `{"fields":{"lat":1,"lat":2}}` || string(env.Changes[2]) != `{"ok":true}` {
		t.Fatalf("changes not kept raw: %q", env.Changes)
	}
}

func TestDecodeJSONErrorCodes(t *testing.T) {
	cases := []struct {
		name, body, code, msg string
	}{
		{"empty", ` `, syncproto.CodeInvalidJSON, "the body is empty"},
		{"truncated", `{"device_id":"x","changes":[`, syncproto.CodeInvalidJSON, "the body is not valid JSON"},
		{"trailing data", `{"device_id":"x"} {}`, syncproto.CodeInvalidJSON, "the body is not valid JSON"},
		{"wrong type, then malformed", `{"device_id":5,"changes":[}`, syncproto.CodeInvalidJSON, "the body is not valid JSON"},
		{"too deep", strings.Repeat("[", 20000) + strings.Repeat("]", 20000), syncproto.CodeInvalidJSON, "the body is not valid JSON"},
		{"wrong type", `{"device_id":5,"changes":[]}`, syncproto.CodeInvalidRequest, `wrong type for "device_id"`},
		{"wrong type inside", `{"device_id":"x","changes":{}}`, syncproto.CodeInvalidRequest, `wrong type for "changes"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var env pushEnvelope
			err := decodeJSON([]byte(c.body), &env)
			var ce *core.Error
			if !errors.As(err, &ce) || ce.Code != c.code || ce.Message != c.msg {
				t.Fatalf("got %v, want %s %q", err, c.code, c.msg)
			}
		})
	}
}
