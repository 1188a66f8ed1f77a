package contracttest

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// Transport returns a RoundTripper that sends each request through base
// (http.DefaultTransport when nil) and checks the request and its response
// against the contract, reporting each mismatch with t.Errorf. Bodies are
// buffered; the caller receives them unchanged.
func Transport(t testing.TB, base http.RoundTripper, opts ...Option) http.RoundTripper {
	t.Helper()
	if base == nil {
		base = http.DefaultTransport
	}
	return &transport{c: newChecker(t, opts), base: base}
}

// Client returns an *http.Client whose Transport is Transport(t, base, opts...).
func Client(t testing.TB, base http.RoundTripper, opts ...Option) *http.Client {
	t.Helper()
	return &http.Client{Transport: Transport(t, base, opts...)}
}

type transport struct {
	c    *checker
	base http.RoundTripper
}

func (tr *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if _, _, skip, _ := tr.c.route(req); skip {
		return tr.base.RoundTrip(req)
	}
	var reqBody []byte
	out := req
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		reqBody = b
		out = req.Clone(req.Context())
		out.Body = io.NopCloser(bytes.NewReader(b))
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
		// out keeps req.ContentLength, so that a body of unknown length
		// still goes out chunked, without Content-Length, as it would
		// without this transport.
	}
	res, err := tr.base.RoundTrip(out)
	if err != nil {
		return nil, err
	}
	resBody, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	res.Body = io.NopCloser(bytes.NewReader(resBody))
	tr.c.report(&exchange{req: out, reqBody: reqBody, status: res.StatusCode, header: res.Header, resBody: resBody})
	return res, nil
}

// Handler wraps h so that every request it serves and every response it
// writes is checked against the contract, reporting each mismatch with
// t.Errorf. Responses are buffered and written once h returns.
func Handler(t testing.TB, h http.Handler, opts ...Option) http.Handler {
	t.Helper()
	c := newChecker(t, opts)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, _, skip, _ := c.route(r); skip {
			h.ServeHTTP(w, r)
			return
		}
		var reqBody []byte
		if r.Body != nil && r.Body != http.NoBody {
			b, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, "reading the request body failed", http.StatusBadRequest)
				return
			}
			reqBody = b
			r.Body = io.NopCloser(bytes.NewReader(b))
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		seen := r.Clone(r.Context())
		seen.Body = io.NopCloser(bytes.NewReader(reqBody))
		c.report(&exchange{req: seen, reqBody: reqBody, status: rec.Code, header: rec.Header(), resBody: rec.Body.Bytes()})
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	})
}
