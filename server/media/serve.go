package media

import (
	"bytes"
	"context"
	"errors"
	"io"

	"urcsync/server/blob"
	"urcsync/server/core"
	"urcsync/server/imaging"
	"urcsync/syncproto"
)

// readable returns a stored, live photo of p's scope.
func (s *Service) readable(ctx context.Context, p core.Principal, id string) (core.MediaInfo, error) {
	info, err := s.cfg.Records.MediaInfo(ctx, p, id)
	if err != nil {
		return info, err
	}
	if info.Deleted || info.ContentStatus != core.ContentStored {
		return info, notFound()
	}
	return info, nil
}

// Original serves the bytes as taken, EXIF and all, to the uploading
// device, the team's supervisors and admins; every download is audited.
func (s *Service) Original(ctx context.Context, p core.Principal, id string) (core.Content, error) {
	info, err := s.readable(ctx, p, id)
	if err != nil {
		return core.Content{}, err
	}
	if p.DeviceID != info.CreatedDevice && !p.IsOffice() {
		return core.Content{}, core.Errorf(syncproto.CodeForbidden, "originals are for the uploading device and the office")
	}
	obj, err := s.cfg.Store.Open(ctx, originalKey(info.ID))
	if err != nil {
		return core.Content{}, s.openError(err)
	}
	contentType, err := sniffObject(obj)
	if err == nil {
		err = s.cfg.Records.Audit(ctx, p, "media_original_downloaded", "media/"+info.ID, info.TeamID, nil)
	}
	if err != nil {
		obj.Close()
		return core.Content{}, storageError(err)
	}
	oi := obj.Info()
	return core.Content{Body: obj, Size: oi.Size, ModTime: oi.ModTime, ContentType: contentType}, nil
}

// sniffObject judges a stored object's type from its first bytes and
// rewinds it.
func sniffObject(obj io.ReadSeeker) (string, error) {
	head := make([]byte, 64)
	n, err := io.ReadFull(obj, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return "", err
	}
	if _, err := obj.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	contentType, ok := imaging.Sniff(head[:n])
	if !ok {
		contentType = "application/octet-stream"
	}
	return contentType, nil
}

func (s *Service) openError(err error) error {
	if errors.Is(err, blob.ErrNotFound) {
		return notFound()
	}
	return storageError(err)
}

// Derivative serves the thumbnail or preview: made once from the
// original, oriented upright, without any metadata, then kept in the store.
func (s *Service) Derivative(ctx context.Context, p core.Principal, id, kind string) (core.Content, error) {
	side := imaging.ThumbnailSide
	if kind == core.Preview {
		side = imaging.PreviewSide
	}
	info, err := s.readable(ctx, p, id)
	if err != nil {
		return core.Content{}, err
	}
	key := derivativeKey(info.ID, kind)
	if c, err := s.openJPEG(ctx, key); err == nil || !errors.Is(err, blob.ErrNotFound) {
		return c, s.openErrorOrNil(err)
	}
	defer s.derive.lock(key)()
	if c, err := s.openJPEG(ctx, key); err == nil || !errors.Is(err, blob.ErrNotFound) {
		return c, s.openErrorOrNil(err)
	}
	jpeg, err := s.makeDerivative(ctx, info, side)
	if err != nil {
		return core.Content{}, err
	}
	if err := s.cfg.Store.Put(ctx, key, bytes.NewReader(jpeg), int64(len(jpeg)), "image/jpeg"); err != nil {
		s.cfg.Logger.Warn("caching a derivative failed", "key", key, "err", err)
	}
	return core.Content{Body: nopCloser{bytes.NewReader(jpeg)}, Size: int64(len(jpeg)), ModTime: s.cfg.Now(), ContentType: "image/jpeg"}, nil
}

func (s *Service) openErrorOrNil(err error) error {
	if err == nil {
		return nil
	}
	return s.openError(err)
}

func (s *Service) openJPEG(ctx context.Context, key string) (core.Content, error) {
	obj, err := s.cfg.Store.Open(ctx, key)
	if err != nil {
		return core.Content{}, err
	}
	oi := obj.Info()
	return core.Content{Body: obj, Size: oi.Size, ModTime: oi.ModTime, ContentType: "image/jpeg"}, nil
}

// makeDerivative decodes the original once and renders it at side.
func (s *Service) makeDerivative(ctx context.Context, info core.MediaInfo, side int) ([]byte, error) {
	obj, err := s.cfg.Store.Open(ctx, originalKey(info.ID))
	if err != nil {
		return nil, s.openError(err)
	}
	defer obj.Close()
	head := make([]byte, min(obj.Info().Size, headerBytes))
	n, _ := io.ReadFull(obj, head)
	exif, _ := imaging.ReadExif(bytes.NewReader(head[:n]), int64(n), s.cfg.Zone)
	if _, err := obj.Seek(0, io.SeekStart); err != nil {
		return nil, storageError(err)
	}
	out, err := imaging.Derive(obj, exif.Orientation, side)
	if err != nil {
		if errors.Is(err, blob.ErrUnavailable) {
			return nil, storageError(err)
		}
		return nil, err
	}
	return out, nil
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }
