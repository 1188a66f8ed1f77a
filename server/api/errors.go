package api

import (
	"log/slog"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"urcsync/server/core"
	"urcsync/syncproto"
)

// statusByCode is the one table from error code to HTTP status.
var statusByCode = map[string]int{
	syncproto.CodeInvalidJSON:         http.StatusBadRequest,
	syncproto.CodeInvalidRequest:      http.StatusBadRequest,
	syncproto.CodeInvalidCursor:       http.StatusBadRequest,
	syncproto.CodeInvalidHLC:          http.StatusBadRequest,
	syncproto.CodeUnknownCollection:   http.StatusBadRequest,
	syncproto.CodeUnknownField:        http.StatusBadRequest,
	syncproto.CodeInvalidField:        http.StatusBadRequest,
	syncproto.CodeMissingField:        http.StatusBadRequest,
	syncproto.CodeInvalidReference:    http.StatusBadRequest,
	syncproto.CodeReadOnlyField:       http.StatusBadRequest,
	syncproto.CodeUnauthenticated:     http.StatusUnauthorized,
	syncproto.CodeTokenExpired:        http.StatusUnauthorized,
	syncproto.CodeUserDisabled:        http.StatusUnauthorized,
	syncproto.CodeDeviceRevoked:       http.StatusUnauthorized,
	syncproto.CodeInvalidCredentials:  http.StatusUnauthorized,
	syncproto.CodeForbidden:           http.StatusForbidden,
	syncproto.CodeDeviceUnavailable:   http.StatusForbidden,
	syncproto.CodeNotFound:            http.StatusNotFound,
	syncproto.CodeOpIDReused:          http.StatusConflict,
	syncproto.CodeUsernameTaken:       http.StatusConflict,
	syncproto.CodeConflictStale:       http.StatusConflict,
	syncproto.CodeAlreadyResolved:     http.StatusConflict,
	syncproto.CodeOffsetMismatch:      http.StatusConflict,
	syncproto.CodeCursorExpired:       http.StatusGone,
	syncproto.CodePayloadTooLarge:     http.StatusRequestEntityTooLarge,
	syncproto.CodeUnsupportedMedia:    http.StatusUnsupportedMediaType,
	syncproto.CodeDigestMismatch:      http.StatusUnprocessableEntity,
	syncproto.CodeImageTooLarge:       http.StatusUnprocessableEntity,
	syncproto.CodeRateLimited:         http.StatusTooManyRequests,
	syncproto.CodeStorageUnavailable:  http.StatusServiceUnavailable,
	syncproto.CodeServiceUnavailable:  http.StatusServiceUnavailable,
	syncproto.CodeInternal:            http.StatusInternalServerError,
	syncproto.CodeUnsupportedVersion:  http.StatusPreconditionFailed,
	syncproto.CodeRangeNotSatisfiable: http.StatusRequestedRangeNotSatisfiable,
}

// writeError answers with the protocol's error body. An error that is not
// a *core.Error becomes a generic 500; its text is logged with the request
// id and never sent.
func writeError(c *gin.Context, err error) {
	e, ok := core.AsError(err)
	if !ok {
		slog.ErrorContext(c.Request.Context(), "internal error", "request_id", requestID(c), "path", c.FullPath(), "err", err)
		e = core.Errorf(syncproto.CodeInternal, "internal error; quote request id %s", requestID(c))
	}
	status, known := statusByCode[e.Code]
	if !known {
		status = http.StatusInternalServerError
	}
	if e.RetryAfter > 0 {
		c.Header("Retry-After", strconv.Itoa(e.RetryAfter))
	} else if status == http.StatusServiceUnavailable || status == http.StatusTooManyRequests {
		c.Header("Retry-After", "5")
	}
	c.AbortWithStatusJSON(status, syncproto.ErrorBody{Error: syncproto.ErrorDetail{Code: e.Code, Message: e.Message, Details: e.Details}})
}
