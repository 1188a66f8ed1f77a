package api

import (
	"bytes"
	"io"
	"net/http"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/klauspost/compress/gzip"

	"urcsync/syncproto"
)

// pull answers §4. The page is read, encoded and (when the client takes
// it) compressed inside the admission gate, so that a thousand phones
// pulling at once do not take the CPUs from the store's writer; most of
// it is sent outside the gate, so that a slow link holds no slot. Its
// first bytes, the page's position, are sent as soon as the store knows
// it, before the records are read, so that a phone can ask for the next
// page at once (a few hundred bytes into a fresh connection's buffer
// do not wait on the link).
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
	var started bool
	rest, release, err := func() ([]byte, func(), error) {
		defer s.cfg.Gate.Leave() // also when the page panics
		return s.pullPage(c, limit, &started)
	}()
	switch {
	case err != nil && started:
		// The answer has begun: cut it, so that the phone asks again.
		s.log.Error("pull ended after its head", "request_id", requestID(c), "err", err)
		abortConnection(c)
		return
	case err != nil:
		writeError(c, err)
		return
	}
	defer release()
	c.Writer.Write(rest)
}

// pullPage reads one page into the answer: its head is written and
// flushed to the client from inside the store's read (started is then
// true); the rest, compressed when the client accepts gzip, is returned
// with a func that recycles its buffer once it is sent.
func (s *Server) pullPage(c *gin.Context, limit int, started *bool) ([]byte, func(), error) {
	records := pullBuffers.Get().(*bytes.Buffer)
	records.Reset()
	defer func() { putPullBuffer(records) }()
	out := pullBuffers.Get().(*bytes.Buffer)
	out.Reset()
	var w io.Writer = out
	var gz *gzip.Writer
	if acceptsGzip(c) {
		gz = gzipPool.Get().(*gzip.Writer)
		defer gzipPool.Put(gz)
		gz.Reset(out)
		w = gz
	}
	sendHead := func(page *syncproto.EncodedPull) error {
		if _, err := w.Write(page.AppendHead(nil)); err != nil {
			return err
		}
		if gz != nil {
			if err := gz.Flush(); err != nil {
				return err
			}
		}
		c.Header("Content-Type", "application/json; charset=utf-8")
		if gz != nil {
			c.Header("Content-Encoding", "gzip")
		}
		c.Status(http.StatusOK)
		*started = true
		c.Writer.Write(out.Bytes())
		c.Writer.Flush()
		out.Reset()
		return nil
	}
	page, err := s.cfg.Sync.Pull(c.Request.Context(), principal(c), c.Query("cursor"), limit, records.AvailableBuffer(), sendHead)
	if err == nil {
		if cap(page.Changes) > records.Cap() {
			records = bytes.NewBuffer(page.Changes[:0]) // the grown buffer is the one to keep
		}
		s.metrics.pullRecords.Add(float64(page.Count))
		err = page.WriteRest(w)
	}
	if err == nil && gz != nil {
		err = gz.Close()
	}
	if err != nil {
		putPullBuffer(out)
		return nil, nil, err
	}
	return out.Bytes(), func() { putPullBuffer(out) }, nil
}

// abortConnection closes the client's connection under a begun answer,
// which the client then sees cut short.
func abortConnection(c *gin.Context) {
	c.Abort()
	if conn, _, err := http.NewResponseController(c.Writer).Hijack(); err == nil {
		conn.Close()
	}
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
