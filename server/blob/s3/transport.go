package s3

import (
	"net"
	"net/http"
	"time"

	"github.com/minio/minio-go/v7"
)

// Timeouts and retries chosen so that an outage shows within seconds
// instead of minio-go's defaults (30 s dial, 10 attempts).
const (
	dialTimeout           = 3 * time.Second
	tlsHandshakeTimeout   = 5 * time.Second
	responseHeaderTimeout = 30 * time.Second
	readyTimeout          = 5 * time.Second
	// maxAttempts counts the first try: 3 means two retries, for requests
	// whose body can be replayed (not Put, whose body is a stream).
	maxAttempts = 3
)

// newTransport returns minio-go's default transport with short timeouts.
func newTransport(secure bool) (*http.Transport, error) {
	tr, err := minio.DefaultTransport(secure)
	if err != nil {
		return nil, err
	}
	tr.DialContext = (&net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}).DialContext
	tr.TLSHandshakeTimeout = tlsHandshakeTimeout
	tr.ResponseHeaderTimeout = responseHeaderTimeout
	return tr, nil
}
