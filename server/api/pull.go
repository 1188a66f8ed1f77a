package api

import (
	"bytes"
	"net/http"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/klauspost/compress/gzip"
)

// pull answers §4. The page is read, encoded and (when the client takes
// it) compressed inside the admission gate, so that a thousand phones
// pulling at once do not take the CPUs from the store's writer; it is
// sent outside the gate, so that a slow link holds no slot.
func (s *Server) pull(c *gin.Context) {
	limit, err := pullLimit(c)
	if err != nil {
		writeError(c, err)
		return
	}
	if err := s.cfg.Gate.Enter(c.Request.Context()); err != nil {
		c.Abort() // the client has gone
		return
	}
	body, release, err := func() ([]byte, func(), error) {
		defer s.cfg.Gate.Leave() // also when the page panics
		return s.pullPage(c, limit)
	}()
	if err != nil {
		writeError(c, err)
		return
	}
	defer release()
	c.Data(http.StatusOK, "application/json; charset=utf-8", body)
}

// pullPage reads one page and returns its answer body, compressed when
// the client accepts gzip (the Content-Encoding header is then set), and
// a func that recycles the body's buffer once it is sent.
func (s *Server) pullPage(c *gin.Context, limit int) ([]byte, func(), error) {
	records := pullBuffers.Get().(*bytes.Buffer)
	records.Reset()
	defer func() { putPullBuffer(records) }()
	resp, err := s.cfg.Sync.Pull(c.Request.Context(), principal(c), c.Query("cursor"), limit, records.AvailableBuffer())
	if err != nil {
		return nil, nil, err
	}
	if cap(resp.Changes) > records.Cap() {
		records = bytes.NewBuffer(resp.Changes[:0]) // the grown buffer is the one to keep
	}
	s.metrics.pullRecords.Add(float64(resp.Count))
	if !acceptsGzip(c) {
		plain := pullBuffers.Get().(*bytes.Buffer)
		plain.Reset()
		plain.Write(resp.AppendJSON(plain.AvailableBuffer()))
		return plain.Bytes(), func() { putPullBuffer(plain) }, nil
	}
	packed := pullBuffers.Get().(*bytes.Buffer)
	packed.Reset()
	gz := gzipPool.Get().(*gzip.Writer)
	gz.Reset(packed)
	err = resp.WriteJSON(gz)
	if err == nil {
		err = gz.Close()
	}
	gzipPool.Put(gz)
	if err != nil {
		putPullBuffer(packed)
		return nil, nil, err
	}
	c.Header("Content-Encoding", "gzip")
	return packed.Bytes(), func() { putPullBuffer(packed) }, nil
}

// pullBuffers recycles the buffers pull pages are encoded and compressed
// into; a page of a thousand records is most of a megabyte.
var pullBuffers = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 64<<10)) }}

// maxPooledPullBuffer bounds the buffers kept for reuse.
const maxPooledPullBuffer = 4 << 20

func putPullBuffer(b *bytes.Buffer) {
	if b.Cap() <= maxPooledPullBuffer {
		pullBuffers.Put(b)
	}
}
