package schema

import "unicode/utf8"

// FieldError says why fields were refused. Code is one of the syncproto
// Code* constants; Field names the field at fault (empty when none);
// Message is human-readable and never echoes the offending value.
type FieldError struct {
	Code    string
	Field   string
	Message string
}

// Error returns the code and the message.
func (e *FieldError) Error() string {
	return e.Code + ": " + e.Message
}

// maxNameLen bounds how much of a caller-supplied name an error repeats.
const maxNameLen = 64

// clip shortens s to at most n bytes without splitting a UTF-8 sequence,
// marking a cut with "…".
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
