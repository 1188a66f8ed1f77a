package office

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"urcsync/syncproto"
)

// Session is one logged-in office user.
type Session struct {
	base  string
	http  *http.Client
	token string
	// User is who is logged in.
	User syncproto.User
}

// Login logs in with a device id of the caller's.
func Login(ctx context.Context, hc *http.Client, base, username, password, deviceID string) (*Session, error) {
	s := &Session{base: base, http: hc}
	var resp syncproto.LoginResponse
	st, code, err := s.call(ctx, http.MethodPost, "/v1/auth/login", nil, syncproto.LoginRequest{
		Username: username, Password: password, DeviceID: deviceID, DeviceName: "kantor " + username}, &resp)
	if err != nil {
		return nil, err
	}
	if st != http.StatusOK || resp.Token == "" {
		return nil, fmt.Errorf("office: login %s: status %d %s", username, st, code)
	}
	s.token, s.User = resp.Token, resp.User
	return s, nil
}

// call sends a JSON request and decodes a 2xx answer into out. It returns
// the status and, for an error answer, its code.
func (s *Session) call(ctx context.Context, method, path string, q url.Values, body, out any) (int, string, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, "", err
		}
		rd = bytes.NewReader(b)
	}
	target := s.base + path
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return 0, "", err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if s.token != "" {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return 0, "", fmt.Errorf("office: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, "", fmt.Errorf("office: %s %s: reading answer: %w", method, path, err)
	}
	if resp.StatusCode >= 300 {
		var e apiError
		json.Unmarshal(data, &e)
		return resp.StatusCode, e.Error.Code, nil
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.StatusCode, "", fmt.Errorf("office: %s %s: decoding answer: %w", method, path, err)
		}
	}
	return resp.StatusCode, "", nil
}

// expect turns an unexpected status into an error.
func expect(what string, st int, code string, err error, want int) error {
	if err != nil {
		return err
	}
	if st != want {
		return fmt.Errorf("office: %s: status %d %s", what, st, code)
	}
	return nil
}

// PullAll pulls the caller's whole scope from the beginning and returns
// each record in its latest state.
func (s *Session) PullAll(ctx context.Context) (map[string]Record, error) {
	out := map[string]Record{}
	cursor := ""
	for {
		q := url.Values{"limit": {"1000"}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		var page struct {
			Changes []Record `json:"changes"`
			Cursor  string   `json:"cursor"`
			HasMore bool     `json:"has_more"`
		}
		st, code, err := s.call(ctx, http.MethodGet, "/v1/sync/pull", q, nil, &page)
		if err := expect("pull", st, code, err, http.StatusOK); err != nil {
			return nil, err
		}
		for _, r := range page.Changes {
			out[r.Collection+"/"+r.ID] = r
		}
		if !page.HasMore {
			return out, nil
		}
		cursor = page.Cursor
	}
}

// Conflicts lists every conflict of the caller's scope with the given
// status ("" for all).
func (s *Session) Conflicts(ctx context.Context, status string) ([]Conflict, error) {
	return list[Conflict](ctx, s, "/v1/admin/conflicts", url.Values{"status": {status}, "limit": {"500"}})
}

// Resolve posts a resolution and returns the status, the error code and
// (for 200) the conflict as answered.
func (s *Session) Resolve(ctx context.Context, id string, r Resolution) (int, string, Conflict, error) {
	var c Conflict
	st, code, err := s.call(ctx, http.MethodPost, "/v1/admin/conflicts/"+id+"/resolve", nil, r, &c)
	return st, code, c, err
}

// MediaForReview lists the stored photos of the caller's scope with the
// given review status.
func (s *Session) MediaForReview(ctx context.Context, status string) ([]MediaItem, error) {
	return list[MediaItem](ctx, s, "/v1/admin/media", url.Values{"review_status": {status}, "limit": {"200"}})
}

// Review posts a review decision and returns the status and error code.
func (s *Session) Review(ctx context.Context, id, decision, note string) (int, string, error) {
	return s.call(ctx, http.MethodPost, "/v1/admin/media/"+id+"/review", nil,
		map[string]string{"decision": decision, "note": note}, nil)
}

// Rejected lists every rejected change of the caller's scope.
func (s *Session) Rejected(ctx context.Context) ([]RejectedChange, error) {
	return list[RejectedChange](ctx, s, "/v1/admin/rejected", url.Values{"limit": {"500"}})
}

// Content downloads a photo's original bytes and returns the status, the
// hex SHA-256 and the size of what came.
func (s *Session) Content(ctx context.Context, id string) (int, string, int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.base+"/v1/media/"+id+"/content", nil)
	if err != nil {
		return 0, "", 0, err
	}
	req.Header.Set("Authorization", "Bearer "+s.token)
	resp, err := s.http.Do(req)
	if err != nil {
		return 0, "", 0, fmt.Errorf("office: content %s: %w", id, err)
	}
	defer resp.Body.Close()
	h := sha256.New()
	n, err := io.Copy(h, resp.Body)
	if err != nil {
		return 0, "", 0, fmt.Errorf("office: content %s: %w", id, err)
	}
	return resp.StatusCode, hex.EncodeToString(h.Sum(nil)), n, nil
}

// list follows a paged admin list to its end.
func list[T any](ctx context.Context, s *Session, path string, q url.Values) ([]T, error) {
	var out []T
	for k, v := range q {
		if len(v) == 1 && v[0] == "" {
			q.Del(k)
		}
	}
	for {
		var p page[T]
		st, code, err := s.call(ctx, http.MethodGet, path, q, nil, &p)
		if err := expect(path, st, code, err, http.StatusOK); err != nil {
			return nil, err
		}
		out = append(out, p.Items...)
		if !p.HasMore {
			return out, nil
		}
		q.Set("cursor", p.Cursor)
	}
}
