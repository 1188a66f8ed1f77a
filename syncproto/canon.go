package syncproto

import (
	"bytes"
	"encoding/json"
)

// Canonical returns the canonical JSON text of a value: no insignificant
// whitespace, object keys sorted, numbers in shortest form. Two values are
// equal under the merge rules exactly when their canonical texts are.
func Canonical(v json.RawMessage) (json.RawMessage, error) {
	d := json.NewDecoder(bytes.NewReader(v))
	var x any
	if err := d.Decode(&x); err != nil {
		return nil, err
	}
	if d.More() {
		return nil, &json.SyntaxError{Offset: d.InputOffset()}
	}
	return json.Marshal(x)
}
