package media

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/google/uuid"

	"urcsync/server/core"
	"urcsync/syncproto"
)

// CompleteUploadID names the upload of a photo whose bytes are already
// stored: its offset is its length.
const CompleteUploadID = "complete"

// CreateUpload starts a resumable upload (tus creation), or returns the
// one already under way for this photo with its current offset.
func (s *Service) CreateUpload(ctx context.Context, p core.Principal, id string, length int64, reprDigest string) (core.Upload, error) {
	info, err := s.uploader(ctx, p, id)
	if err != nil {
		return core.Upload{}, err
	}
	want, err := parseDigest(reprDigest)
	if err != nil {
		return core.Upload{}, err
	}
	if err := s.checkDeclared(info, length, want); err != nil {
		return core.Upload{}, err
	}
	if info.ContentStatus == core.ContentStored {
		return core.Upload{ID: CompleteUploadID, MediaID: info.ID, DeviceID: p.DeviceID, Length: length, Offset: length, SHA256: want}, nil
	}
	now := s.cfg.Now()
	u := core.Upload{ID: uuid.Must(uuid.NewV7()).String(), MediaID: info.ID, DeviceID: p.DeviceID, Length: length,
		SHA256: want, CreatedAt: now, ExpiresAt: now.Add(s.cfg.UploadTTL)}
	defer s.locks.lock(info.ID)()
	got, created, err := s.cfg.Records.CreateUpload(ctx, u)
	if err != nil {
		return core.Upload{}, err
	}
	if !created && !now.Before(got.ExpiresAt) {
		if err := s.discardUploadErr(got.ID); err != nil {
			return core.Upload{}, err
		}
		if got, created, err = s.cfg.Records.CreateUpload(ctx, u); err != nil {
			return core.Upload{}, err
		}
	}
	if created {
		f, err := os.OpenFile(s.spoolPath(got.ID), os.O_CREATE|os.O_WRONLY, 0o600)
		if err != nil {
			return core.Upload{}, err
		}
		f.Close()
	}
	got.Offset, err = s.spoolSize(got.ID)
	return got, err
}

func (s *Service) spoolPath(uploadID string) string { return filepath.Join(s.cfg.SpoolDir, uploadID) }

func (s *Service) spoolSize(uploadID string) (int64, error) {
	st, err := os.Stat(s.spoolPath(uploadID))
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

// upload finds an upload of media id that p may continue.
func (s *Service) upload(ctx context.Context, p core.Principal, id, uploadID string) (core.MediaInfo, core.Upload, error) {
	info, err := s.uploader(ctx, p, id)
	if err != nil {
		return info, core.Upload{}, err
	}
	if uploadID == CompleteUploadID && info.ContentStatus == core.ContentStored {
		return info, core.Upload{ID: uploadID, MediaID: info.ID, Length: info.Size, Offset: info.Size, SHA256: info.SHA256}, nil
	}
	if _, err := uuid.Parse(uploadID); err != nil {
		return info, core.Upload{}, core.Errorf(syncproto.CodeNotFound, "no such upload")
	}
	u, err := s.cfg.Records.GetUpload(ctx, uploadID)
	if err != nil {
		return info, u, err
	}
	if u.MediaID != info.ID || u.DeviceID != p.DeviceID || !s.cfg.Now().Before(u.ExpiresAt) {
		return info, u, core.Errorf(syncproto.CodeNotFound, "no such upload")
	}
	u.Offset, err = s.spoolSize(u.ID)
	return info, u, err
}

// UploadStatus answers a tus HEAD: the bytes received so far.
func (s *Service) UploadStatus(ctx context.Context, p core.Principal, id, uploadID string) (core.Upload, error) {
	_, u, err := s.upload(ctx, p, id, uploadID)
	return u, err
}

// PatchUpload appends the bytes of a tus PATCH at offset. Every byte that
// arrives is kept, also when the connection is cut; the PATCH that
// completes the file answers only once it is checked and stored.
func (s *Service) PatchUpload(ctx context.Context, p core.Principal, id, uploadID string, offset int64, body io.Reader) (core.Upload, error) {
	info, u, err := s.upload(ctx, p, id, uploadID)
	if err != nil {
		return u, err
	}
	defer s.locks.lock(info.ID)()
	if u.ID != CompleteUploadID {
		if u.Offset, err = s.spoolSize(u.ID); err != nil {
			return u, err
		}
	}
	if offset != u.Offset || u.ID == CompleteUploadID {
		return u, &core.Error{Code: syncproto.CodeOffsetMismatch, Message: fmt.Sprintf("the upload is at offset %d", u.Offset),
			Details: map[string]any{"offset": u.Offset}}
	}
	n, copyErr := s.appendSpool(u, body)
	u.Offset += n
	if copyErr != nil {
		return u, copyErr
	}
	if u.Offset < u.Length {
		return u, nil
	}
	return u, s.complete(ctx, info, u)
}

// appendSpool appends at most the missing bytes of the upload and syncs
// them to disk, so they survive a restart.
func (s *Service) appendSpool(u core.Upload, body io.Reader) (int64, error) {
	f, err := os.OpenFile(s.spoolPath(u.ID), os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n, copyErr := io.Copy(f, io.LimitReader(body, u.Length-u.Offset))
	if err := f.Sync(); err != nil && copyErr == nil {
		copyErr = err
	}
	if copyErr == nil && u.Offset+n == u.Length {
		var extra [1]byte
		if m, _ := body.Read(extra[:]); m > 0 {
			_ = f.Truncate(u.Offset)
			return 0, core.Errorf(syncproto.CodePayloadTooLarge, "the body goes past Upload-Length")
		}
	}
	return n, copyErr
}

// complete checks the whole spooled file against the declared digest and
// stores it with one streamed write. A refused file discards the upload;
// a storage outage keeps it, minus its last byte, so the phone's next
// HEAD and PATCH complete it again.
func (s *Service) complete(ctx context.Context, info core.MediaInfo, u core.Upload) error {
	path := s.spoolPath(u.ID)
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return err
	}
	if !digestIs(h, u.SHA256) {
		s.discardUpload(u.ID)
		return core.Errorf(syncproto.CodeDigestMismatch, "the uploaded bytes do not match Repr-Digest")
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	_, err = s.store(ctx, info, f)
	var ce *core.Error
	switch {
	case err == nil:
		s.discardUpload(u.ID)
		return nil
	case errors.As(err, &ce) && ce.Code != syncproto.CodeStorageUnavailable:
		s.discardUpload(u.ID)
		return err
	default:
		if terr := os.Truncate(path, u.Length-1); terr != nil {
			s.cfg.Logger.Warn("could not reopen the upload's last byte", "upload", u.ID, "err", terr)
		}
		return err
	}
}

// DeleteUpload abandons an upload (tus termination).
func (s *Service) DeleteUpload(ctx context.Context, p core.Principal, id, uploadID string) error {
	info, u, err := s.upload(ctx, p, id, uploadID)
	if err != nil {
		return err
	}
	if u.ID == CompleteUploadID {
		return core.Errorf(syncproto.CodeNotFound, "no such upload")
	}
	defer s.locks.lock(info.ID)()
	return s.discardUploadErr(u.ID)
}

func (s *Service) discardUpload(uploadID string) {
	if err := s.discardUploadErr(uploadID); err != nil {
		s.cfg.Logger.Warn("discarding upload", "upload", uploadID, "err", err)
	}
}

func (s *Service) discardUploadErr(uploadID string) error {
	if err := s.cfg.Records.DeleteUpload(context.Background(), uploadID); err != nil {
		return err
	}
	if err := os.Remove(s.spoolPath(uploadID)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}
