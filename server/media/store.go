package media

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"

	"urcsync/server/blob"
	"urcsync/server/core"
	"urcsync/server/imaging"
	"urcsync/syncproto"
)

// headerBytes is how much of a photo is held in memory to judge it: the
// type, the dimensions and the EXIF all sit in the first few hundred KiB.
const headerBytes = 256 << 10

// store checks the photo in body (exactly size bytes were announced) and
// streams it to the store while hashing. When the bytes are not what the
// record fixed, the object is removed again and nothing is kept. On
// success the record is marked stored with its EXIF.
func (s *Service) store(ctx context.Context, info core.MediaInfo, body io.Reader) (record []byte, err error) {
	head := make([]byte, min(info.Size, headerBytes))
	n, err := io.ReadFull(body, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	head = head[:n]
	contentType, err := judge(head)
	if err != nil {
		return nil, err
	}

	h := sha256.New()
	counted := &countingReader{r: io.TeeReader(io.MultiReader(bytes.NewReader(head), body), h)}
	key := originalKey(info.ID)
	want, _ := hex.DecodeString(info.SHA256)
	if err := s.cfg.Store.Put(ctx, key, io.LimitReader(counted, info.Size), info.Size, contentType, blob.WithSHA256(want)); err != nil {
		switch {
		case errors.Is(err, blob.ErrDigest):
			return nil, core.Errorf(syncproto.CodeDigestMismatch, "the bytes do not match the media record's sha256 and size")
		case !errors.Is(err, blob.ErrUnavailable) && counted.n < info.Size:
			return nil, core.Errorf(syncproto.CodeInvalidRequest, "the body ended after %d of %d bytes", counted.n, info.Size)
		}
		return nil, storageError(err)
	}
	if counted.n != info.Size || !digestIs(h, info.SHA256) {
		s.discardObject(key)
		return nil, core.Errorf(syncproto.CodeDigestMismatch, "the bytes do not match the media record's sha256 and size")
	}

	exif, _ := imaging.ReadExif(bytes.NewReader(head), int64(len(head)), s.cfg.Zone)
	result := core.ExifResult{HasExif: exif.TakenAt != nil || exif.Lat != nil, TakenAt: exif.TakenAt, Lat: exif.Lat, Lon: exif.Lon}
	record, err = s.cfg.Records.MarkStored(ctx, info.ID, result)
	if err != nil {
		s.discardObject(key)
		return nil, err
	}
	return record, nil
}

// judge decides from the first bytes whether this is a photo the server
// accepts and whether its declared dimensions are sane, before any decoding.
func judge(head []byte) (string, error) {
	contentType, ok := imaging.Sniff(head)
	if !ok {
		return "", core.Errorf(syncproto.CodeUnsupportedMedia, "only JPEG, PNG and WebP photos are accepted")
	}
	w, h, err := imaging.Dimensions(bytes.NewReader(head))
	if err != nil {
		return "", core.Errorf(syncproto.CodeUnsupportedMedia, "the image header could not be read")
	}
	if int64(w)*int64(h) > imaging.MaxPixels {
		return "", core.Errorf(syncproto.CodeImageTooLarge, "the image is %d × %d pixels; at most %d pixels are accepted", w, h, imaging.MaxPixels)
	}
	return contentType, nil
}

func digestIs(h hash.Hash, wantHex string) bool { return hex.EncodeToString(h.Sum(nil)) == wantHex }

// discardObject removes an object that must not be kept; if the store is
// down the sweeper removes it later (no committed record owns it).
func (s *Service) discardObject(key string) {
	if err := s.cfg.Store.Delete(context.Background(), key); err != nil {
		s.cfg.Logger.Warn("discarding object failed; the sweeper will remove it", "key", key, "err", err)
	}
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
