package schema

import (
	"bytes"
	"encoding/json"
	"testing"
)

// Strings that skip the general decoder and encoder must come out as
// encoding/json would have them, and the others must still go through it.
func TestPlainStringsAsEncodingJSON(t *testing.T) {
	raws := []string{
		`"anak_jalanan"`, `""`, `"Jl. Gatot Subroto No. 12, Medan"`, `"a\"b"`, `"\u0041"`, `"a\\b"`,
		`"<script>"`, `"Tom & Jerry"`, `"tab\there"`, `"caf\u00e9"`, "\"café\"", "\"\x7f\"", `"\/"`,
		"\"bad \xff byte\"", `"2026-11-27T10:00:00+07:00"`,
	}
	for _, raw := range raws {
		got, err := decode([]byte(raw))
		var want string
		wantErr := json.Unmarshal([]byte(raw), &want)
		if (err != nil) != (wantErr != nil) || (err == nil && got != want) {
			t.Errorf("decode(%s) = %q, %v; encoding/json gives %q, %v", raw, got, err, want, wantErr)
		}
		if wantErr != nil {
			continue
		}
		enc, _ := json.Marshal(want)
		if plainASCII([]byte(want)) && !bytes.Equal(enc, []byte(`"`+want+`"`)) {
			t.Errorf("%q is taken as plain, but encoding/json writes %s", want, enc)
		}
	}
}
