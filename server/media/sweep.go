package media

import (
	"context"
	"strings"
	"time"

	"urcsync/server/blob"
	"urcsync/server/core"
)

// SweepReport says what one sweep removed.
type SweepReport struct {
	ExpiredUploads int
	ErasedPhotos   int
	Orphans        int
}

// Sweep removes expired unfinished uploads, erases the bytes of photos
// deleted longer ago than the retention period, and removes stored
// objects that no committed photo owns once they are older than the grace
// period (what a crash between storing and committing can leave).
func (s *Service) Sweep(ctx context.Context) (SweepReport, error) {
	var rep SweepReport
	now := s.cfg.Now()
	expired, err := s.cfg.Records.ExpiredUploads(ctx, now)
	if err != nil {
		return rep, err
	}
	for _, u := range expired {
		s.discardUpload(u.ID)
		rep.ExpiredUploads++
	}
	erasable, err := s.cfg.Records.ErasableMedia(ctx, now.Add(-s.cfg.Retention))
	if err != nil {
		return rep, err
	}
	for _, id := range erasable {
		if err := s.deleteObjects(ctx, id); err != nil {
			return rep, storageError(err)
		}
		if err := s.cfg.Records.MarkErased(ctx, id); err != nil {
			return rep, err
		}
		rep.ErasedPhotos++
	}
	err = s.cfg.Store.List(ctx, "media/", func(info blob.Info) error {
		id, _, ok := strings.Cut(strings.TrimPrefix(info.Key, "media/"), "/")
		if !ok || now.Sub(info.ModTime) < s.cfg.OrphanGrace {
			return nil
		}
		owned, err := s.cfg.Records.OwnsObject(ctx, id)
		if err != nil || owned {
			return err
		}
		if err := s.cfg.Store.Delete(ctx, info.Key); err != nil {
			return err
		}
		rep.Orphans++
		return nil
	})
	return rep, storageError(err)
}

func (s *Service) deleteObjects(ctx context.Context, id string) error {
	for _, key := range []string{originalKey(id), derivativeKey(id, core.Thumbnail), derivativeKey(id, core.Preview)} {
		if err := s.cfg.Store.Delete(ctx, key); err != nil {
			return err
		}
	}
	return nil
}

// Run sweeps every interval until ctx ends.
func (s *Service) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if rep, err := s.Sweep(ctx); err != nil {
			s.cfg.Logger.Warn("media sweep", "err", err)
		} else if rep != (SweepReport{}) {
			s.cfg.Logger.Info("media sweep", "expired_uploads", rep.ExpiredUploads, "erased_photos", rep.ErasedPhotos, "orphans", rep.Orphans)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Erase removes every object of a photo at once (a purge).
func (s *Service) Erase(ctx context.Context, id string) error {
	return storageError(s.deleteObjects(ctx, id))
}
