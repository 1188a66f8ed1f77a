package sim

import (
	"errors"
	"fmt"

	"urcsync/mobile-contract/client"
	"urcsync/server/fieldsim/verdict"
)

// collections are the synced collections the phones keep.
var collections = []string{"patrols", "persons", "encounters", "assessments", "interventions", "media"}

// quietSync turns every fault off and syncs every phone until nothing is
// left to push or upload: each round pushes and uploads on every phone,
// then pulls on every phone.
func (w *world) quietSync() error {
	if n := w.ctl.Disarm(); n > 0 {
		w.logf("%d armed kills were not used", n)
	}
	for _, p := range w.phones {
		p.proxy.SetFaults(false)
		p.offlineUntil = 0
	}
	var errs []error
	for round := 1; round <= 6; round++ {
		busy := false
		for _, p := range w.phones {
			rep, err := p.c.Push(w.ctx)
			w.led.Told(rep.Results)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: push: %w", p.username, err))
			}
			mr, err := p.c.UploadMedia(w.ctx)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: upload: %w", p.username, err))
			}
			busy = busy || len(rep.Results) > 0 || mr.Uploaded > 0 || mr.Rejected > 0
		}
		for _, p := range w.phones {
			if _, err := p.c.Pull(w.ctx); err != nil {
				errs = append(errs, fmt.Errorf("%s: pull: %w", p.username, err))
			}
		}
		w.progress.update(w)
		if !busy && len(errs) == 0 {
			return nil
		}
		if len(errs) > 0 {
			return errors.Join(errs...)
		}
	}
	return errors.New("the phones still had changes to push after 6 quiet rounds")
}

// collect reads the final state of the server (as admin) and of every
// phone.
func (w *world) collect(quietErr error) (*verdict.Input, error) {
	in := &verdict.Input{Ledger: w.led.Snapshot(), Content: map[string]verdict.Content{}, Teams: map[string]string{},
		Intended: w.intended, SkewWindow: skewWindow, QuietErr: quietErr}
	var err error
	if in.Server, err = w.admin.PullAll(w.ctx); err != nil {
		return nil, err
	}
	if in.Conflicts, err = w.admin.Conflicts(w.ctx, ""); err != nil {
		return nil, err
	}
	if in.ServerRejected, err = w.admin.Rejected(w.ctx); err != nil {
		return nil, err
	}
	for _, t := range w.teams {
		for _, r := range t.records {
			in.Teams[r.coll+"/"+r.id] = t.name
		}
	}
	for _, ph := range w.photos {
		st, sum, n, err := w.admin.Content(w.ctx, ph.mediaID)
		if err != nil {
			return nil, err
		}
		in.Content[ph.mediaID] = verdict.Content{Status: st, SHA256: sum, Size: n}
		in.Photos = append(in.Photos, verdict.Photo{MediaID: ph.mediaID, File: ph.file, SHA256: ph.sha256,
			Size: ph.size, Phone: ph.phone, Refused: ph.refused})
	}
	for _, p := range w.phones {
		ps, err := phoneState(p)
		if err != nil {
			return nil, err
		}
		in.Phones = append(in.Phones, ps)
	}
	return in, nil
}

func phoneState(p *phone) (verdict.PhoneState, error) {
	ps := verdict.PhoneState{Index: p.idx, Username: p.username, Team: p.team.name, DeviceID: p.device,
		Records: map[string]client.Record{}}
	for _, coll := range collections {
		recs, err := p.c.Records(coll)
		if err != nil {
			return ps, err
		}
		for id, r := range recs {
			ps.Records[coll+"/"+id] = r
		}
	}
	var err error
	if ps.Rejected, err = p.c.Rejected(); err != nil {
		return ps, err
	}
	if ps.RejectedPhotos, err = p.c.RejectedPhotos(); err != nil {
		return ps, err
	}
	if ps.Pending, err = p.c.Pending(); err != nil {
		return ps, err
	}
	if ps.PendingPhotos, err = p.c.PendingPhotos(); err != nil {
		return ps, err
	}
	return ps, nil
}
