package client

import (
	"bytes"

	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/klauspost/compress/gzip"

	"urcsync/syncproto"
)

// maxResponseBytes bounds an answer after decompression.
const maxResponseBytes = 64 << 20

// APIError is a non-2xx answer carrying the protocol's error body.
type APIError struct {
	// Status is the HTTP status code.
	Status int
	// Code is the stable error code ("" when the body was not the
	// protocol's error body).
	Code string
	// Message is the server's human-readable text.
	Message string
}

// Error describes the answer.
func (e *APIError) Error() string {
	code := e.Code
	if code == "" {
		code = strings.ToLower(strings.ReplaceAll(http.StatusText(e.Status), " ", "_"))
	}
	if e.Message == "" {
		return fmt.Sprintf("server answered %d %s", e.Status, code)
	}
	return fmt.Sprintf("server answered %d %s: %s", e.Status, code, e.Message)
}

// apiRequest is one request to the server. Its bytes are fixed once built
// so that every resend is identical.
type apiRequest struct {
	method string
	path   string
	query  url.Values
	body   []byte // JSON, nil for none
	auth   bool
	// token, when set, is the session token to send, read by the caller
	// (a request sent while another goroutine holds the store).
	token string
	// peek, when set, is given each 2xx answer's body as it arrives; what
	// it reads is kept for decoding.
	peek func(io.Reader)
}

// retryable is an outcome after which the same request is sent again: a
// 5xx, a 429 or no usable answer. after is the server's Retry-After, or
// negative when it gave none.
type retryable struct {
	err   error
	after time.Duration
}

func (r *retryable) Error() string { return r.err.Error() }
func (r *retryable) Unwrap() error { return r.err }

// send performs r, resending it unchanged after a 5xx, a 429 or no answer
// (with backoff, honouring Retry-After, at most MaxAttempts times), and
// decodes a 2xx answer into out.
func (c *Client) send(ctx context.Context, r apiRequest, out any) error {
	token := r.token
	if r.auth && token == "" {
		t, err := getState(c.db, keyToken)
		if err != nil {
			return err
		}
		if t == "" {
			return ErrNotLoggedIn
		}
		token = t
	}
	body, gzipped := r.body, false
	if body != nil && c.opt.Gzip {
		z, err := gzipBytes(body)
		if err != nil {
			return err
		}
		body, gzipped = z, true
	}
	target := c.baseURL + r.path
	if len(r.query) > 0 {
		target += "?" + r.query.Encode()
	}
	for attempt := 1; ; attempt++ {
		err := c.attempt(ctx, r.method, target, body, gzipped, token, r.peek, out)
		var retry *retryable
		if err == nil || !errors.As(err, &retry) {
			return err
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%s %s: %w", r.method, r.path, context.Cause(ctx))
		}
		if attempt >= c.opt.MaxAttempts {
			return fmt.Errorf("giving up after %d attempts: %w", attempt, retry.err)
		}
		wait := retry.after
		if wait < 0 {
			wait = c.backoff(attempt)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("waiting to resend %s %s: %w", r.method, r.path, context.Cause(ctx))
		case <-t.C:
		}
	}
}

// attempt sends the request once.
func (c *Client) attempt(ctx context.Context, method, target string, body []byte, gzipped bool, token string, peek func(io.Reader), out any) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, target, err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "urcsync-client/1")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if gzipped {
		req.Header.Set("Content-Encoding", "gzip")
	}
	if c.opt.Gzip {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return &retryable{err: fmt.Errorf("%s %s: %w", method, req.URL.Path, err), after: -1}
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		peek = nil
	}
	data, err := readBody(resp, peek)
	if err != nil {
		return &retryable{err: fmt.Errorf("%s %s: reading answer: %w", method, req.URL.Path, err), after: -1}
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if out == nil {
			return nil
		}
		if err := jsonv2.Unmarshal(data, out, jsontext.AllowInvalidUTF8(true)); err != nil {
			return &retryable{err: fmt.Errorf("%s %s: decoding answer: %w", method, req.URL.Path, err), after: -1}
		}
		return nil
	}
	apiErr := &APIError{Status: resp.StatusCode}
	var eb syncproto.ErrorBody
	if json.Unmarshal(data, &eb) == nil {
		apiErr.Code, apiErr.Message = eb.Error.Code, eb.Error.Message
	}
	if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
		return &retryable{err: fmt.Errorf("%s %s: %w", method, req.URL.Path, apiErr), after: retryAfter(resp.Header)}
	}
	return fmt.Errorf("%s %s: %w", method, req.URL.Path, apiErr)
}

// readBody reads the whole answer, decoding gzip when the transport left
// it encoded; peek, when not nil, sees the start of it first.
func readBody(resp *http.Response, peek func(io.Reader)) ([]byte, error) {
	var r io.Reader = resp.Body
	if strings.EqualFold(strings.TrimSpace(resp.Header.Get("Content-Encoding")), "gzip") {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		defer zr.Close()
		r = zr
	}
	r = io.LimitReader(r, maxResponseBytes+1)
	var seen bytes.Buffer
	if peek != nil {
		peek(io.TeeReader(r, &seen))
	}
	if _, err := seen.ReadFrom(r); err != nil {
		return nil, err
	}
	if seen.Len() > maxResponseBytes {
		return nil, fmt.Errorf("answer larger than %d bytes", maxResponseBytes)
	}
	return seen.Bytes(), nil
}

func gzipBytes(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	return buf.Bytes(), nil
}

// retryAfter reads a Retry-After in delta-seconds; HTTP dates are ignored
// (the phone's clock may be wrong). Negative means none.
func retryAfter(h http.Header) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return -1
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return -1
	}
	const maxSeconds = int64(time.Hour / time.Second)
	return time.Duration(min(n, maxSeconds)) * time.Second
}

// backoff is the wait before resend number attempt: the initial backoff
// doubled per earlier resend, capped, with jitter in its upper half.
func (c *Client) backoff(attempt int) time.Duration {
	d := c.opt.Backoff
	for i := 1; i < attempt && d < maxBackoff; i++ {
		d *= 2
	}
	d = min(d, maxBackoff)
	half := d / 2
	return half + rand.N(half+1)
}
