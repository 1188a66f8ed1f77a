package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"urcsync/syncproto"
)

// MediaReport sums up one UploadMedia.
type MediaReport struct {
	// Uploaded counts the photos the server stored during the call.
	Uploaded int
	// Pending counts the photos still waiting for upload afterwards.
	Pending int
	// Rejected counts the photos the server refused during the call.
	Rejected int
}

// UploadMedia uploads the queued photos whose media record the server has
// (the push that created it was answered applied or duplicate), oldest
// first, with resumable tus uploads in chunks of Options.ChunkSize. After
// a cut or a failed request it asks the server's offset (HEAD) and goes
// on from there; 5xx and 429 answers are retried after Retry-After or
// the backoff, at most MaxAttempts times in a row without progress, except
// that a storage outage to be waited out longer than Options.MaxPhotoWait
// ends the call with ErrStorageUnavailable, every photo kept queued. A
// photo whose record the server does not have yet stays queued. A photo
// refused with 413, 415 or 422, or whose record the server rejected, is
// kept on the phone, listed by RejectedPhotos, and not offered again.
// An uploaded photo's copy is deleted.
func (c *Client) UploadMedia(ctx context.Context) (MediaReport, error) {
	c.syncMu.Lock()
	defer c.syncMu.Unlock()
	var rep MediaReport
	err := c.uploadMedia(ctx, &rep)
	n, perr := c.PendingPhotos()
	rep.Pending = n
	if err = errors.Join(err, perr); err != nil {
		return rep, fmt.Errorf("client: upload media: %w", err)
	}
	return rep, nil
}

// photoFailure is an error that concerns one photo only: the others are
// still tried.
type photoFailure struct{ err error }

func (f *photoFailure) Error() string { return f.err.Error() }
func (f *photoFailure) Unwrap() error { return f.err }

func (c *Client) uploadMedia(ctx context.Context, rep *MediaReport) error {
	queue, err := loadQueued(c.db)
	if err != nil {
		return err
	}
	token := ""
	var failed []error
	for _, p := range queue {
		ready, gone, refused, err := photoReadiness(c.db, p)
		if err != nil {
			return err
		}
		if gone {
			// The server deleted the record: its bytes are no longer wanted.
			if err := c.finishPhoto(p); err != nil {
				return err
			}
			continue
		}
		if refused != nil {
			msg := "the server rejected the media record: " + refused.Message
			if err := c.markPhotoRejected(p.mediaID, refused.Code, msg); err != nil {
				return err
			}
			rep.Rejected++
			continue
		}
		if !ready {
			continue
		}
		if token == "" {
			if token, err = getState(c.db, keyToken); err != nil {
				return err
			}
			if token == "" {
				return ErrNotLoggedIn
			}
		}
		out, err := c.uploadPhoto(ctx, token, p)
		if serr := c.settlePhoto(p, out, rep); serr != nil {
			return errors.Join(err, serr)
		}
		if err == nil {
			continue
		}
		err = fmt.Errorf("photo %s: %w", p.mediaID, err)
		if serr := c.setPhotoError(p.mediaID, err.Error()); serr != nil {
			return errors.Join(err, serr)
		}
		var pf *photoFailure
		if !errors.As(err, &pf) {
			if werr := c.afterAuthError(err); werr != nil {
				err = errors.Join(err, werr)
			}
			return errors.Join(append(failed, err)...)
		}
		failed = append(failed, err)
	}
	return errors.Join(failed...)
}

// photoOutcome is where one photo's upload ended.
type photoOutcome struct {
	kind stepKind // stepDone, stepWaiting, stepRejected, or zero when failed
	// refusal is the server's answer for stepRejected.
	refusal *APIError
}

// settlePhoto records the outcome of one photo's upload.
func (c *Client) settlePhoto(p queuedPhoto, out photoOutcome, rep *MediaReport) error {
	switch out.kind {
	case stepDone:
		rep.Uploaded++
		return c.finishPhoto(p)
	case stepRejected:
		rep.Rejected++
		return c.markPhotoRejected(p.mediaID, out.refusal.Code, out.refusal.Error())
	}
	return nil
}

// uploadPhoto drives one photo's tus upload to an end: stored, waiting
// for its record, refused, or failed.
func (c *Client) uploadPhoto(ctx context.Context, token string, p queuedPhoto) (photoOutcome, error) {
	f, err := os.Open(c.photoPath(p.path))
	if err != nil {
		return photoOutcome{}, &photoFailure{fmt.Errorf("phone's copy: %w", err)}
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || st.Size() != p.size {
		return photoOutcome{}, &photoFailure{fmt.Errorf("phone's copy %s is not the queued %d bytes", p.path, p.size)}
	}
	u := &photoUpload{c: c, token: token, p: p, f: f, offset: -1}
	if p.uploadURL != "" && !c.sameOrigin(p.uploadURL) {
		if err := u.forget(); err != nil {
			return photoOutcome{}, err
		}
	}
	failures, best := 0, int64(-1)
	for {
		if ctx.Err() != nil {
			return photoOutcome{}, context.Cause(ctx)
		}
		s, err := u.next(ctx)
		if err != nil {
			return photoOutcome{}, err
		}
		if u.offset > best {
			best, failures = u.offset, 0
		}
		switch s.kind {
		case stepDone, stepWaiting:
			return photoOutcome{kind: s.kind}, nil
		case stepRejected:
			return photoOutcome{kind: s.kind, refusal: s.refusal}, nil
		case stepRetry:
			failures++
			if failures >= c.opt.MaxAttempts {
				return photoOutcome{}, fmt.Errorf("giving up after %d attempts: %w", failures, s.err)
			}
			wait := s.after
			if wait < 0 {
				wait = c.backoff(failures)
			}
			if wait > c.opt.MaxPhotoWait && storageOut(s.err) {
				return photoOutcome{}, fmt.Errorf("%w (retry after %v): %w", ErrStorageUnavailable, wait, s.err)
			}
			if err := sleepCtx(ctx, wait); err != nil {
				return photoOutcome{}, err
			}
		}
	}
}

// storageOut reports whether err is the server saying its photo storage
// is unavailable.
func storageOut(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Code == syncproto.CodeStorageUnavailable
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return fmt.Errorf("waiting to resend: %w", context.Cause(ctx))
	case <-t.C:
		return nil
	}
}

// rejectsPhoto reports the statuses that refuse a photo for good.
func rejectsPhoto(status int) bool {
	switch status {
	case http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity:
		return true
	}
	return false
}
