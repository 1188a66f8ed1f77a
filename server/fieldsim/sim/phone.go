package sim

import (
	"errors"

	"urcsync/mobile-contract/client"
)

// online reports whether the phone has signal at the current step.
func (w *world) online(p *phone) bool { return w.step >= p.offlineUntil }

// sync does what the phone's sync button does: push, upload photos, pull.
// A failed push ends the attempt, as in client.Sync.
func (w *world) sync(p *phone) {
	w.stats.syncs++
	rep, err := p.c.Push(w.ctx)
	w.led.Told(rep.Results)
	w.settle(p)
	if err != nil {
		w.syncFailed(p, "push", err)
		return
	}
	w.upload(p)
	if _, err := p.c.Pull(w.ctx); err != nil {
		w.syncFailed(p, "pull", err)
	}
}

// upload sends the phone's queued photos; during a storage outage the
// client stops at the first refusal and keeps them for its next sync,
// and the watch bounds how long it may take.
func (w *world) upload(p *phone) {
	ctx, done := w.ctx, func() bool { return false }
	if w.watch != nil {
		ctx, done = w.watch.uploadContext(w.ctx)
	}
	_, err := p.c.UploadMedia(ctx)
	if done() {
		w.outages.stalled++
		w.note("%s: photo uploads were still under way after %v of a storage outage", p.username, outageUploadPatience)
	}
	if err != nil {
		w.syncFailed(p, "upload", err)
	}
}

// settle re-sends at once, with a clean link, what was in flight when the
// server was killed, so that the ledger can place every commit exactly: a
// phone whose push died with the server retries as soon as it can.
func (w *world) settle(p *phone) {
	for try := 0; try < 3 && w.led.Unsettled(p.idx); try++ {
		w.stats.recoveries++
		on := p.proxy.Enabled()
		p.proxy.SetFaults(false)
		rep, err := p.c.Push(w.ctx)
		p.proxy.SetFaults(on)
		w.led.Told(rep.Results)
		if err != nil {
			w.syncFailed(p, "push after a crash", err)
		}
	}
}

func (w *world) syncFailed(p *phone, what string, err error) {
	w.stats.syncFailures++
	w.logf("%s: %s failed: %v", p.username, what, err)
	if errors.Is(err, client.ErrNotLoggedIn) {
		w.note("%s lost its token (%v); logging in again", p.username, err)
		if err := w.login(p); err != nil {
			w.note("%s: %v", p.username, err)
		}
	}
}
