package faultproxy

import (
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Exchange is one request as the proxy forwarded it and the server's
// answer, if one was read.
type Exchange struct {
	// Phone is the index of the phone behind the proxy.
	Phone     int
	Method    string
	Path      string
	Query     url.Values
	ReqHeader http.Header
	ReqBody   []byte
	// Status is the server's status; 0 when no answer was read.
	Status     int
	RespHeader http.Header
	RespBody   []byte
	// Sent is when forwarding began; Answered when the answer was read.
	Sent, Answered time.Time
	// Fault is what the proxy did to the request.
	Fault Kind
	// Err is why no answer was read.
	Err error
}

// Observer learns every exchange with the server. Calls may come from
// several goroutines (the copies of a duplicated request); an observer
// serialises them itself.
type Observer interface {
	// Answered reports an answer the server gave, whatever the phone
	// then gets of it.
	Answered(ex *Exchange)
	// Unanswered reports a request that reached the server, at least in
	// part, without an answer being read: a cut body or a kill.
	Unanswered(ex *Exchange)
}

// Class groups requests for answer-time statistics: push, pull, upload,
// login or other.
func Class(method, path string) string {
	switch {
	case path == "/v1/sync/push":
		return "push"
	case path == "/v1/sync/pull":
		return "pull"
	case strings.HasPrefix(path, "/v1/media/"):
		return "upload"
	case path == "/v1/auth/login":
		return "login"
	}
	return "other"
}

var hopHeaders = []string{"Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization",
	"Te", "Trailer", "Transfer-Encoding", "Upgrade", "Proxy-Connection"}

func copyHeader(dst, src http.Header) {
	for k, vs := range src {
		dst[k] = append([]string(nil), vs...)
	}
	for _, h := range hopHeaders {
		dst.Del(h)
	}
}
