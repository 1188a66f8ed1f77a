package core

import (
	"errors"
	"fmt"

	"urcsync/syncproto"
)

// Error is the server's one error type. Code is a stable syncproto.Code*
// value; Message is safe to show to the caller.
type Error struct {
	Code    string
	Message string
	// Details is optional structured context, safe to show.
	Details map[string]any
	// RetryAfter, in seconds, is sent as Retry-After when positive.
	RetryAfter int
}

// Error implements error.
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf returns an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err if it is (or wraps) an *Error, else
// syncproto.CodeInternal.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return syncproto.CodeInternal
}

// AsError returns the *Error inside err, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
