package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"urcsync/syncproto"
)

// tusVersion is the tus protocol version of resumable uploads.
const tusVersion = "1.0.0"

// tusAnswer is the server's answer to one tus request.
type tusAnswer struct {
	status int
	header http.Header
	// apiErr is set for every status outside 2xx.
	apiErr *APIError
}

// retryable reports a 5xx or a 429: the same request may be sent again.
func (a tusAnswer) retryable() bool {
	return a.status >= 500 || a.status == http.StatusTooManyRequests
}

// offset reads Upload-Offset; ok is false when it is missing or invalid.
func (a tusAnswer) offset() (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(a.header.Get("Upload-Offset")), 10, 64)
	return n, err == nil && n >= 0
}

// tusRequest sends one tus request with the token. err is set only when
// no answer arrived.
func (c *Client) tusRequest(ctx context.Context, token, method, target string, hdr http.Header, body []byte) (tusAnswer, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return tusAnswer{}, fmt.Errorf("%s %s: %w", method, target, err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	req.Header.Set("Tus-Resumable", tusVersion)
	req.Header.Set("User-Agent", "urcsync-client/1")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.http.Do(req)
	if err != nil {
		return tusAnswer{}, fmt.Errorf("%s %s: %w", method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	data, err := readBody(resp, nil)
	if err != nil {
		return tusAnswer{}, fmt.Errorf("%s %s: reading answer: %w", method, req.URL.Path, err)
	}
	a := tusAnswer{status: resp.StatusCode, header: resp.Header}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		a.apiErr = &APIError{Status: resp.StatusCode}
		var eb syncproto.ErrorBody
		if json.Unmarshal(data, &eb) == nil {
			a.apiErr.Code, a.apiErr.Message = eb.Error.Code, eb.Error.Message
		}
	}
	return a, nil
}

// resolveUploadURL turns a creation answer's Location into the upload URL.
// It must stay on the server's origin, which is given the token.
func (c *Client) resolveUploadURL(creation, location string) (string, error) {
	base, err := url.Parse(creation)
	if err != nil {
		return "", err
	}
	loc, err := url.Parse(strings.TrimSpace(location))
	if err != nil || location == "" {
		return "", fmt.Errorf("creation answered without a usable Location %q", location)
	}
	u := base.ResolveReference(loc)
	if !c.sameOrigin(u.String()) {
		return "", fmt.Errorf("upload URL %s is not on the server's origin", u.Redacted())
	}
	return u.String(), nil
}

// sameOrigin reports whether target has the base URL's scheme and host.
func (c *Client) sameOrigin(target string) bool {
	t, err := url.Parse(target)
	if err != nil {
		return false
	}
	b, err := url.Parse(c.baseURL)
	if err != nil {
		return false
	}
	return strings.EqualFold(t.Scheme, b.Scheme) && strings.EqualFold(t.Host, b.Host)
}

// isComplete reports an upload URL naming a photo already stored.
func isComplete(uploadURL string) bool {
	u, err := url.Parse(uploadURL)
	return err == nil && strings.HasSuffix(u.Path, "/uploads/complete")
}
