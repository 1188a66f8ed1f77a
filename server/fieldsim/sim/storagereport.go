package sim

import (
	"time"

	"urcsync/server/fieldsim/verdict"
)

// StorageReport is what object storage went through and what its outages
// did to the phones.
type StorageReport struct {
	// Kind is where photo bytes lived: local or s3.
	Kind string `json:"kind"`
	// Outages counts the times the S3 gateway was killed and restarted;
	// OutageSteps the phone actions taken while it was down; DownTime the
	// wall-clock time it was down.
	Outages     int           `json:"outages"`
	OutageSteps int           `json:"outage_steps"`
	DownTime    time.Duration `json:"down_ns"`
	RestartMax  time.Duration `json:"gateway_restart_max_ns"`
	// KillsDuringOutages counts the server kills made while storage was
	// down, after each of which the server started without its storage.
	KillsDuringOutages int `json:"kills_during_outages"`
	// UploadRefusals counts 503 storage_unavailable answers to photo
	// uploads during outages; RefusalsWhileUp those while storage was up.
	UploadRefusals  int `json:"upload_refusals"`
	RefusalsWhileUp int `json:"refusals_while_up"`
	// PhotosDelayed counts photos refused during an outage; of them,
	// DelayedThenStored were stored by the end.
	PhotosDelayed     int `json:"photos_delayed"`
	DelayedThenStored int `json:"delayed_then_stored"`
	// UploadsStalled counts phones' upload attempts during outages that
	// were still under way after outageUploadPatience.
	UploadsStalled int `json:"uploads_stalled"`
	// PushesDuringOutages counts pushes answered while storage was down;
	// PushesFailed those answered with a 5xx.
	PushesDuringOutages int `json:"pushes_during_outages"`
	PushesFailed        int `json:"pushes_failed_during_outages"`
}

func (w *world) storageReport(in *verdict.Input) StorageReport {
	r := StorageReport{Kind: StorageLocal}
	if w.gateway == nil {
		return r
	}
	o := w.outages
	r.Kind = StorageS3
	r.Outages, r.OutageSteps, r.DownTime, r.KillsDuringOutages = o.count, o.steps, o.downTime, o.killsDuring
	r.UploadsStalled = o.stalled
	for _, d := range o.restartTimes {
		r.RestartMax = max(r.RestartMax, d)
	}
	if s := w.watch; s != nil {
		s.mu.Lock()
		r.UploadRefusals, r.RefusalsWhileUp = s.refusals, s.refusalsUp
		r.PushesDuringOutages, r.PushesFailed = s.pushes, s.pushesFailed
		s.mu.Unlock()
		for id := range s.refusedPhotos() {
			r.PhotosDelayed++
			if in.Content[id].Status == 200 {
				r.DelayedThenStored++
			}
		}
	}
	return r
}

// rows writes the summary table's storage rows.
func (r StorageReport) rows(row func(k, format string, args ...any)) {
	if r.Kind != StorageS3 {
		row("storage", "local folder")
		return
	}
	row("storage", "S3 gateway; %d outages (%d phone actions, %s down, restart max %s), %d server kills during outages",
		r.Outages, r.OutageSteps, r.DownTime.Round(time.Millisecond), r.RestartMax.Round(time.Millisecond), r.KillsDuringOutages)
	row("outages", "%d uploads refused with 503 (%d while storage was up), %d stalled; %d photos delayed, %d of them stored later; %d pushes answered, %d failed",
		r.UploadRefusals, r.RefusalsWhileUp, r.UploadsStalled, r.PhotosDelayed, r.DelayedThenStored, r.PushesDuringOutages, r.PushesFailed)
}
