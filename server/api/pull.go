package api

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/klauspost/compress/gzip"

	"urcsync/syncproto"
)

// pull answers §4. The page is read, encoded and (when the client takes
// it) compressed inside the admission gate, so that a thousand phones
// pulling at once do not take the CPUs from the store's writer; it is
// sent outside the gate, so that a slow link holds no slot. Its first
// bytes, the page's position, are sent as soon as the store knows it,
// before the records are read, so that a phone can ask for the next page
// at once.
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
	var head *headSend
	answered := false
	defer func() {
		// Also on a panic: the head's goroutine is done with the writer
		// before anything else writes, and a begun answer is cut.
		if head != nil {
			head.wait()
			if !answered {
				cutConnection(c)
			}
		}
	}()
	rest, release, err := func() ([]byte, func(), error) {
		defer s.cfg.Gate.Leave() // also when the page panics
		return s.pullPage(c, limit, &head)
	}()
	if head != nil {
		if herr := head.wait(); err == nil {
			err = herr
		}
	}
	answered = err == nil
	switch {
	case err != nil && head != nil:
		// The answer has begun: it is cut (above), so that the phone asks
		// again.
		s.log.Warn("pull cut short after its head", "request_id", requestID(c), "err", err)
		return
	case err != nil:
		writeError(c, err)
		return
	}
	defer release()
	c.Writer.Write(rest)
}

// headSend is a page's head on its way to the client, waited for before
// the rest is written.
type headSend struct {
	done   chan error
	waited bool
	err    error
}

// wait returns once the head is written, with the write's error.
func (h *headSend) wait() error {
	if !h.waited {
		h.err, h.waited = <-h.done, true
	}
	return h.err
}

// pullPage reads one page into the answer: its head is written and
// flushed to the client as soon as the store knows it, before the records
// are read (*head is then set); the rest, compressed when the client
// accepts gzip, is returned with a func that recycles its buffer once it
// is sent.
func (s *Server) pullPage(c *gin.Context, limit int, head **headSend) ([]byte, func(), error) {
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
		if *head != nil {
			return errors.New("api: a pull page's head was sent twice")
		}
		h := &headSend{done: make(chan error, 1)}
		*head = h
		rc := http.NewResponseController(c.Writer)
		if c.Request.ProtoMajor == 1 && rc.SetWriteDeadline(time.Now().Add(headWriteTimeout)) == nil {
			// Its own fresh request on its connection: nothing is queued
			// before these few hundred bytes, which go out at once; the
			// deadline bounds the odd stall (a client that stopped
			// reading). The server sets no WriteTimeout to restore.
			err := writeAndFlush(c, rc, out.Bytes())
			rc.SetWriteDeadline(time.Time{})
			out.Reset()
			h.done <- err // for wait
			return err
		}
		// HTTP/2 shares the connection with the answers still on their
		// way, so the head may wait behind them (and a writer without a
		// deadline could wait for ever): it is written by its own
		// goroutine, never holding the gate slot or the store's read.
		first := bytes.Clone(out.Bytes())
		out.Reset()
		go func() { h.done <- writeAndFlush(c, rc, first) }()
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

// headWriteTimeout bounds the wait, inside the admission gate, for a
// page's few hundred bytes of head to be taken by the connection.
const headWriteTimeout = 200 * time.Millisecond

// writeAndFlush writes b to the client and sends it at once.
func writeAndFlush(c *gin.Context, rc *http.ResponseController, b []byte) error {
	if _, err := c.Writer.Write(b); err != nil {
		return err
	}
	if err := rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	return nil
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
