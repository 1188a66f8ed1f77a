package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"urcsync/server/core"
	"urcsync/syncproto"
)

// tusVersion is the tus protocol version spoken by the upload endpoints.
const tusVersion = "1.0.0"

// mediaBody is a photo upload's body: never content-coded (§0).
func mediaBody(c *gin.Context) error {
	if ce := c.GetHeader("Content-Encoding"); ce != "" && ce != "identity" {
		return core.Errorf(syncproto.CodeUnsupportedMedia, "photo bytes are never content-coded")
	}
	return nil
}

// putContent stores a whole photo (§5 PUT).
func (s *Server) putContent(c *gin.Context) {
	if err := mediaBody(c); err != nil {
		writeError(c, err)
		return
	}
	if c.Request.ContentLength < 0 {
		writeError(c, core.Errorf(syncproto.CodeInvalidRequest, "Content-Length is required"))
		return
	}
	rec, created, err := s.cfg.Media.PutContent(c.Request.Context(), principal(c), c.Param("id"), c.Request.Body, c.Request.ContentLength, c.GetHeader("Content-Digest"))
	if err != nil {
		writeError(c, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		s.metrics.mediaBytes.Add(float64(c.Request.ContentLength))
	}
	c.Data(status, "application/json", rec)
}

// tusResumable marks every answer of the upload routes, including the
// authentication failures answered before tusHeaders runs.
func tusResumable(c *gin.Context) {
	if strings.HasPrefix(c.Request.URL.Path, "/v1/media/") && strings.Contains(c.Request.URL.Path, "/uploads") {
		c.Header("Tus-Resumable", tusVersion)
	}
	c.Next()
}

// tusHeaders checks the tus version of a request.
func tusHeaders(c *gin.Context) {
	c.Header("Tus-Resumable", tusVersion)
	if c.Request.Method != http.MethodOptions && c.GetHeader("Tus-Resumable") != tusVersion {
		c.Header("Tus-Version", tusVersion)
		writeError(c, core.Errorf(syncproto.CodeUnsupportedVersion, "send Tus-Resumable: %s", tusVersion))
		return
	}
	c.Next()
}

// tusOptions answers tus discovery.
func (s *Server) tusOptions(c *gin.Context) {
	c.Header("Tus-Version", tusVersion)
	c.Header("Tus-Extension", "creation,expiration,termination")
	c.Header("Tus-Max-Size", strconv.FormatInt(s.cfg.MaxMediaBytes, 10))
	c.Status(http.StatusNoContent)
}

func uploadHeaders(c *gin.Context, u core.Upload) {
	c.Header("Upload-Offset", strconv.FormatInt(u.Offset, 10))
	c.Header("Upload-Length", strconv.FormatInt(u.Length, 10))
	if !u.ExpiresAt.IsZero() {
		c.Header("Upload-Expires", u.ExpiresAt.UTC().Format(http.TimeFormat))
	}
	c.Header("Cache-Control", "no-store")
}

// createUpload is tus creation: 201 with the upload URL.
func (s *Server) createUpload(c *gin.Context) {
	length, err := strconv.ParseInt(c.GetHeader("Upload-Length"), 10, 64)
	if err != nil || length < 0 {
		writeError(c, core.Errorf(syncproto.CodeInvalidRequest, "Upload-Length is required"))
		return
	}
	u, err := s.cfg.Media.CreateUpload(c.Request.Context(), principal(c), c.Param("id"), length, c.GetHeader("Repr-Digest"))
	if err != nil {
		writeError(c, err)
		return
	}
	uploadHeaders(c, u)
	c.Header("Location", "/v1/media/"+u.MediaID+"/uploads/"+u.ID)
	c.Status(http.StatusCreated)
}

func (s *Server) headUpload(c *gin.Context) {
	u, err := s.cfg.Media.UploadStatus(c.Request.Context(), principal(c), c.Param("id"), c.Param("upload"))
	if err != nil {
		writeError(c, err)
		return
	}
	uploadHeaders(c, u)
	c.Status(http.StatusOK)
}

func (s *Server) patchUpload(c *gin.Context) {
	if ct := c.GetHeader("Content-Type"); !strings.HasPrefix(ct, "application/offset+octet-stream") {
		writeError(c, core.Errorf(syncproto.CodeUnsupportedMedia, "PATCH bodies are application/offset+octet-stream"))
		return
	}
	if err := mediaBody(c); err != nil {
		writeError(c, err)
		return
	}
	offset, err := strconv.ParseInt(c.GetHeader("Upload-Offset"), 10, 64)
	if err != nil || offset < 0 {
		writeError(c, core.Errorf(syncproto.CodeInvalidRequest, "Upload-Offset is required"))
		return
	}
	u, err := s.cfg.Media.PatchUpload(c.Request.Context(), principal(c), c.Param("id"), c.Param("upload"), offset, c.Request.Body)
	if err == nil || core.ErrorCode(err) == syncproto.CodeOffsetMismatch {
		c.Header("Upload-Offset", strconv.FormatInt(u.Offset, 10))
	}
	if err != nil {
		writeError(c, err)
		return
	}
	if !u.ExpiresAt.IsZero() && u.Offset < u.Length {
		c.Header("Upload-Expires", u.ExpiresAt.UTC().Format(http.TimeFormat))
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) deleteUpload(c *gin.Context) {
	if err := s.cfg.Media.DeleteUpload(c.Request.Context(), principal(c), c.Param("id"), c.Param("upload")); err != nil {
		writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// serveMedia streams stored bytes with Range support.
func serveMedia(c *gin.Context, content core.Content, err error, cache string) {
	if err != nil {
		writeError(c, err)
		return
	}
	defer content.Body.Close()
	h := c.Writer.Header()
	h.Set("Content-Type", content.ContentType)
	h.Set("Cache-Control", cache)
	w := &rangeErrorWriter{ResponseWriter: c.Writer}
	http.ServeContent(w, c.Request, "", content.ModTime.Truncate(time.Second), content.Body)
}

func (s *Server) getOriginal(c *gin.Context) {
	content, err := s.cfg.Media.Original(c.Request.Context(), principal(c), c.Param("id"))
	if err == nil {
		c.Header("Content-Disposition", `attachment; filename="`+strings.ToLower(c.Param("id"))+extension(content.ContentType)+`"`)
	}
	serveMedia(c, content, err, "private, no-store")
}

func (s *Server) getDerivative(kind string) gin.HandlerFunc {
	return func(c *gin.Context) {
		content, err := s.cfg.Media.Derivative(c.Request.Context(), principal(c), c.Param("id"), kind)
		serveMedia(c, content, err, "private, max-age=3600")
	}
}

func extension(contentType string) string {
	switch contentType {
	case "image/png":
		return ".png"
	case "image/webp":
		return ".webp"
	}
	return ".jpg"
}

// rangeErrorWriter turns http.ServeContent's plain-text 416 into the
// protocol's error body.
type rangeErrorWriter struct {
	gin.ResponseWriter
	swallow bool
}

func (w *rangeErrorWriter) WriteHeader(code int) {
	if code == http.StatusRequestedRangeNotSatisfiable {
		w.swallow = true
		h := w.Header()
		h.Set("Content-Type", "application/json; charset=utf-8")
		h.Del("Content-Length")
		w.ResponseWriter.WriteHeader(code)
		body, _ := json.Marshal(syncproto.ErrorBody{Error: syncproto.ErrorDetail{Code: syncproto.CodeRangeNotSatisfiable, Message: "the range is outside the file"}})
		_, _ = w.ResponseWriter.Write(body)
		return
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *rangeErrorWriter) Write(b []byte) (int, error) {
	if w.swallow {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}
