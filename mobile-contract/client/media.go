package client

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/google/uuid"

	"urcsync/syncproto"
)

// MaxPhotoBytes is the largest photo a media record may describe (the
// server's default upload limit, 25 MiB).
const MaxPhotoBytes = 25 << 20

// mediaCollection is the collection of photo records.
const mediaCollection = "media"

// ErrUnsupportedPhoto is returned by AddPhoto for bytes that are not a
// JPEG, PNG or WebP image, or are empty or larger than MaxPhotoBytes.
var ErrUnsupportedPhoto = errors.New("not a photo the server accepts")

// PhotoMeta is what the officer's phone knows of a photo besides its
// bytes. Nil and empty values are left out of the media record.
type PhotoMeta struct {
	// TakenAt is when the photo was taken, by the phone's clock.
	TakenAt *time.Time
	// Lat and Lon are where the photo was taken (WGS 84 degrees).
	Lat, Lon *float64
	// Caption is the officer's caption.
	Caption string
}

// AddPhoto records a photo taken during an encounter. It reads the file at
// path, upserts a media record {encounter_id, sha256, size, content_type,
// taken_at, lat, lon, caption} through the outbox, and queues the bytes
// for upload. The bytes are copied next to the client's SQLite file and
// kept there until the upload completes, so the caller may delete the
// original. It returns the new media id.
func (c *Client) AddPhoto(encounterID string, path string, meta PhotoMeta) (mediaID string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("client: add photo: %w", err)
	}
	defer f.Close()
	id, err := c.addPhoto(encounterID, f, meta)
	if err != nil {
		return "", fmt.Errorf("client: add photo %s: %w", path, err)
	}
	return id, nil
}

// AddPhotoBytes is AddPhoto for a photo held in memory.
func (c *Client) AddPhotoBytes(encounterID string, data []byte, meta PhotoMeta) (mediaID string, err error) {
	id, err := c.addPhoto(encounterID, bytes.NewReader(data), meta)
	if err != nil {
		return "", fmt.Errorf("client: add photo: %w", err)
	}
	return id, nil
}

// localPhoto is a photo copied into the client's directory.
type localPhoto struct {
	rel         string // path relative to the SQLite file's directory
	size        int64
	sha256      string
	contentType string
}

func (c *Client) addPhoto(encounterID string, r io.Reader, meta PhotoMeta) (string, error) {
	enc, ok := syncproto.CanonicalUUID(encounterID)
	if !ok {
		return "", fmt.Errorf("encounter id %q is not a UUID", encounterID)
	}
	if err := meta.check(); err != nil {
		return "", err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return "", fmt.Errorf("generate media id: %w", err)
	}
	op, err := uuid.NewV7()
	if err != nil {
		return "", fmt.Errorf("generate op_id: %w", err)
	}
	mediaID := id.String()
	photo, err := c.copyPhoto(mediaID, r)
	if err != nil {
		return "", err
	}
	ch := syncproto.Change{OpID: op.String(), Collection: mediaCollection, ID: mediaID, Kind: syncproto.KindUpsert,
		Fields: meta.fields(enc, photo)}
	err = c.inTx(func(tx *sql.Tx) error {
		if err := c.enqueueTx(tx, ch); err != nil {
			return err
		}
		return insertQueued(tx, mediaID, ch.OpID, enc, photo, c.now())
	})
	if err != nil {
		os.Remove(c.photoPath(photo.rel))
		return "", err
	}
	return mediaID, nil
}

func (m PhotoMeta) check() error {
	if m.Lat != nil && (math.IsNaN(*m.Lat) || *m.Lat < -90 || *m.Lat > 90) {
		return fmt.Errorf("latitude %v is outside -90…90", *m.Lat)
	}
	if m.Lon != nil && (math.IsNaN(*m.Lon) || *m.Lon < -180 || *m.Lon > 180) {
		return fmt.Errorf("longitude %v is outside -180…180", *m.Lon)
	}
	return nil
}

// fields are the media record's fields for a new photo.
func (m PhotoMeta) fields(encounterID string, p localPhoto) map[string]json.RawMessage {
	out := map[string]json.RawMessage{}
	set := func(name string, v any) {
		b, _ := json.Marshal(v)
		out[name] = b
	}
	set("encounter_id", encounterID)
	set("sha256", p.sha256)
	set("size", p.size)
	set("content_type", p.contentType)
	if m.TakenAt != nil {
		set("taken_at", formatTime(*m.TakenAt))
	}
	if m.Lat != nil {
		set("lat", *m.Lat)
	}
	if m.Lon != nil {
		set("lon", *m.Lon)
	}
	if m.Caption != "" {
		set("caption", m.Caption)
	}
	return out
}

// copyPhoto writes the bytes durably into the media directory while
// hashing them, after judging their type by the first bytes.
func (c *Client) copyPhoto(mediaID string, r io.Reader) (localPhoto, error) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(12)
	ct := sniffPhoto(head)
	if ct == "" {
		return localPhoto{}, fmt.Errorf("%w: not a JPEG, PNG or WebP image", ErrUnsupportedPhoto)
	}
	if err := os.MkdirAll(c.mediaDir, 0o700); err != nil {
		return localPhoto{}, fmt.Errorf("photo directory: %w", err)
	}
	tmp, err := os.CreateTemp(c.mediaDir, ".incoming-*")
	if err != nil {
		return localPhoto{}, fmt.Errorf("copy photo: %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(br, MaxPhotoBytes+1))
	if err != nil {
		return localPhoto{}, fmt.Errorf("copy photo: %w", err)
	}
	if n > MaxPhotoBytes {
		return localPhoto{}, fmt.Errorf("%w: larger than %d bytes", ErrUnsupportedPhoto, MaxPhotoBytes)
	}
	if err := tmp.Sync(); err != nil {
		return localPhoto{}, fmt.Errorf("copy photo: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return localPhoto{}, fmt.Errorf("copy photo: %w", err)
	}
	name := mediaID + photoExtension(ct)
	if err := os.Rename(tmp.Name(), filepath.Join(c.mediaDir, name)); err != nil {
		return localPhoto{}, fmt.Errorf("copy photo: %w", err)
	}
	if err := syncDir(c.mediaDir); err != nil {
		return localPhoto{}, fmt.Errorf("copy photo: %w", err)
	}
	rel, err := filepath.Rel(c.dbDir, filepath.Join(c.mediaDir, name))
	if err != nil {
		return localPhoto{}, fmt.Errorf("copy photo: %w", err)
	}
	return localPhoto{rel: rel, size: n, sha256: hex.EncodeToString(h.Sum(nil)), contentType: ct}, nil
}

// photoPath resolves a queued photo's stored path.
func (c *Client) photoPath(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.dbDir, p)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// sniffPhoto judges an image type by its first bytes: JPEG, PNG or WebP,
// or "" for anything else.
func sniffPhoto(head []byte) string {
	switch {
	case len(head) >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF:
		return "image/jpeg"
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WEBP":
		return "image/webp"
	}
	return ""
}

func photoExtension(contentType string) string {
	switch contentType {
	case "image/png":
		return ".png"
	case "image/webp":
		return ".webp"
	}
	return ".jpg"
}
