package client

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"
)

// stepKind is what one tus request led to.
type stepKind int

const (
	stepProgress stepKind = iota + 1 // go on with the next request
	stepRetry                        // failed: wait, then go on
	stepDone                         // the server stored the photo
	stepWaiting                      // the server does not have the record yet
	stepRejected                     // the server refused the photo
)

// step is the result of one tus request.
type step struct {
	kind stepKind
	// after is the wait before a retry: Retry-After, or negative for the
	// backoff.
	after time.Duration
	// err is the cause of a retry.
	err error
	// refusal is the server's answer for stepRejected.
	refusal *APIError
}

func retryStep(err error, after time.Duration) step {
	return step{kind: stepRetry, err: err, after: after}
}

// photoUpload is the state of one photo's tus upload.
type photoUpload struct {
	c     *Client
	token string
	p     queuedPhoto
	f     *os.File
	// offset is the server's offset, or -1 when it must be asked.
	offset int64
}

// next sends the request the state calls for: creation without an upload
// URL, HEAD without a known offset, else PATCH.
func (u *photoUpload) next(ctx context.Context) (step, error) {
	switch {
	case u.p.uploadURL == "":
		return u.create(ctx)
	case u.offset < 0:
		return u.head(ctx)
	default:
		return u.patch(ctx)
	}
}

// forget drops the upload URL, so that the next request creates (or
// finds) the upload again.
func (u *photoUpload) forget() error {
	u.p.uploadURL, u.offset = "", -1
	return u.c.setUploadURL(u.p.mediaID, "")
}

func (u *photoUpload) create(ctx context.Context) (step, error) {
	target := u.c.baseURL + "/v1/media/" + u.p.mediaID + "/uploads"
	digest, err := reprDigest(u.p.sha256)
	if err != nil {
		return step{}, &photoFailure{err}
	}
	hdr := http.Header{}
	hdr.Set("Upload-Length", strconv.FormatInt(u.p.size, 10))
	hdr.Set("Repr-Digest", digest)
	a, err := u.c.tusRequest(ctx, u.token, http.MethodPost, target, hdr, nil)
	if err != nil {
		return retryStep(err, -1), nil
	}
	switch {
	case a.status == http.StatusCreated || a.status == http.StatusOK:
		loc, err := u.c.resolveUploadURL(target, a.header.Get("Location"))
		if err != nil {
			return step{}, &photoFailure{err}
		}
		if isComplete(loc) {
			return step{kind: stepDone}, nil
		}
		if err := u.c.setUploadURL(u.p.mediaID, loc); err != nil {
			return step{}, err
		}
		u.p.uploadURL, u.offset = loc, -1
		if off, ok := a.offset(); ok && off <= u.p.size {
			u.offset = off
		}
		return step{kind: stepProgress}, nil
	case a.status == http.StatusNotFound:
		return step{kind: stepWaiting}, nil
	case rejectsPhoto(a.status):
		return step{kind: stepRejected, refusal: a.apiErr}, nil
	}
	return u.otherAnswer(http.MethodPost, a)
}

func (u *photoUpload) head(ctx context.Context) (step, error) {
	a, err := u.c.tusRequest(ctx, u.token, http.MethodHead, u.p.uploadURL, nil, nil)
	if err != nil {
		return retryStep(err, -1), nil
	}
	switch {
	case a.status >= 200 && a.status < 300:
		off, ok := a.offset()
		if !ok || off > u.p.size {
			return step{}, &photoFailure{fmt.Errorf("HEAD answered no usable Upload-Offset (%q)", a.header.Get("Upload-Offset"))}
		}
		u.offset = off
		return step{kind: stepProgress}, nil
	case a.status == http.StatusNotFound || a.status == http.StatusGone:
		if err := u.forget(); err != nil {
			return step{}, err
		}
		return retryStep(fmt.Errorf("HEAD %s: %w", u.p.uploadURL, a.apiErr), 0), nil
	}
	return u.otherAnswer(http.MethodHead, a)
}

func (u *photoUpload) patch(ctx context.Context) (step, error) {
	chunk := make([]byte, min(u.c.opt.ChunkSize, u.p.size-u.offset))
	if _, err := u.f.ReadAt(chunk, u.offset); err != nil && err != io.EOF {
		return step{}, &photoFailure{fmt.Errorf("phone's copy: %w", err)}
	}
	hdr := http.Header{}
	hdr.Set("Upload-Offset", strconv.FormatInt(u.offset, 10))
	hdr.Set("Content-Type", "application/offset+octet-stream")
	from := u.offset
	a, err := u.c.tusRequest(ctx, u.token, http.MethodPatch, u.p.uploadURL, hdr, chunk)
	if err != nil {
		u.offset = -1
		return retryStep(err, -1), nil
	}
	switch {
	case a.status >= 200 && a.status < 300:
		off, ok := a.offset()
		if !ok || off > u.p.size || off <= from && len(chunk) > 0 {
			u.offset = -1
			return retryStep(fmt.Errorf("PATCH answered Upload-Offset %q after %d bytes at %d", a.header.Get("Upload-Offset"), len(chunk), from), -1), nil
		}
		if off == u.p.size {
			return step{kind: stepDone}, nil
		}
		u.offset = off
		return step{kind: stepProgress}, nil
	case a.status == http.StatusConflict:
		u.offset = -1
		return retryStep(fmt.Errorf("PATCH at %d: %w", from, a.apiErr), 0), nil
	case a.status == http.StatusNotFound || a.status == http.StatusGone:
		if err := u.forget(); err != nil {
			return step{}, err
		}
		return retryStep(fmt.Errorf("PATCH: %w", a.apiErr), 0), nil
	case rejectsPhoto(a.status):
		return step{kind: stepRejected, refusal: a.apiErr}, nil
	case a.retryable():
		u.offset = -1
	}
	return u.otherAnswer(http.MethodPatch, a)
}

// otherAnswer handles what no request expects: 5xx and 429 are retried,
// a 401 ends the run, anything else fails this photo.
func (u *photoUpload) otherAnswer(method string, a tusAnswer) (step, error) {
	err := fmt.Errorf("%s upload of %s: %w", method, u.p.mediaID, a.apiErr)
	switch {
	case a.apiErr == nil:
		return step{}, &photoFailure{fmt.Errorf("%s upload of %s: unexpected status %d", method, u.p.mediaID, a.status)}
	case a.retryable():
		return retryStep(err, retryAfter(a.header)), nil
	case a.status == http.StatusUnauthorized:
		return step{}, err
	}
	return step{}, &photoFailure{err}
}

// reprDigest renders a hex SHA-256 as an RFC 9530 digest field.
func reprDigest(hexSum string) (string, error) {
	raw, err := hex.DecodeString(hexSum)
	if err != nil || len(raw) != 32 {
		return "", fmt.Errorf("queued sha256 %q is not a SHA-256", hexSum)
	}
	return "sha-256=:" + base64.StdEncoding.EncodeToString(raw) + ":", nil
}
