package sim

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"urcsync/server/bench/machine"
	"urcsync/server/fieldsim/faultproxy"
	"urcsync/server/fieldsim/verdict"
	"urcsync/syncproto"
)

// timings are the wall-clock durations of the run's phases.
type timings struct {
	Setup   time.Duration `json:"setup_ns"`
	Patrols time.Duration `json:"patrols_ns"`
	Quiet   time.Duration `json:"quiet_sync_ns"`
	Verdict time.Duration `json:"verdict_ns"`
}

// Report is what one run did, measured and concluded.
type Report struct {
	Seed   uint64 `json:"seed"`
	Config struct {
		Teams          int              `json:"teams"`
		Phones         int              `json:"phones_per_team"`
		Days           int              `json:"days"`
		PatrolsPerDay  int              `json:"patrols_per_day"`
		StepsPerPatrol int              `json:"steps_per_patrol"`
		Faults         bool             `json:"faults"`
		Kills          int              `json:"kills"`
		Rates          faultproxy.Rates `json:"fault_rates"`
		Storage        string           `json:"storage"`
		StorageOutages int              `json:"storage_outages"`
	} `json:"config"`
	// Machine is where the simulation ran.
	Machine machine.Info   `json:"machine"`
	Timings timings        `json:"timings"`
	Total   time.Duration  `json:"total_ns"`
	Actions map[string]int `json:"actions"`
	Phones  []PhoneInfo    `json:"phones"`
	Changes struct {
		// Sent counts distinct changes the phones pushed; Applied those
		// the server applied; Rejected those it rejected.
		Sent     int `json:"sent"`
		Applied  int `json:"applied"`
		Rejected int `json:"rejected"`
		// DuplicateAnswers counts "duplicate" answers the server gave.
		DuplicateAnswers int `json:"duplicate_answers"`
		// Restamped counts applied changes the server re-stamped.
		Restamped int `json:"restamped"`
		// LearnedOnResend counts changes whose first answer was
		// "duplicate": the server had committed them under a request
		// whose answer never arrived.
		LearnedOnResend int `json:"learned_on_resend"`
		Pushes          int `json:"pushes"`
		Pulls           int `json:"pulls"`
	} `json:"changes"`
	Photos struct {
		Attached          int   `json:"attached"`
		Stored            int   `json:"stored"`
		Refused           int   `json:"refused"`
		DeletedAfterwards int   `json:"deleted_afterwards"`
		Bytes             int64 `json:"stored_bytes"`
	} `json:"photos"`
	Conflicts struct {
		ByKind      map[string]int `json:"by_kind"`
		ByStatus    map[string]int `json:"by_status"`
		Resolutions int            `json:"resolutions_sent"`
		Reviews     int            `json:"reviews_sent"`
	} `json:"conflicts"`
	Faults   map[string]int `json:"faults"`
	Requests int            `json:"requests"`
	Kills    struct {
		Between     int           `json:"between_requests"`
		InFlight    int           `json:"request_in_flight"`
		Restarts    int           `json:"restarts"`
		RestartMean time.Duration `json:"restart_mean_ns"`
		RestartMax  time.Duration `json:"restart_max_ns"`
	} `json:"kills"`
	Storage StorageReport `json:"storage"`
	Sync    struct {
		Attempts         int `json:"attempts"`
		Failures         int `json:"failures"`
		Recoveries       int `json:"resends_after_crash"`
		OfflineStretches int `json:"offline_stretches"`
	} `json:"sync"`
	Server struct {
		PeakRSS       int64         `json:"peak_rss_bytes"`
		FinalRSS      int64         `json:"final_rss_bytes"`
		CPU           time.Duration `json:"cpu_ns"`
		DatabaseBytes int64         `json:"database_bytes"`
		MediaBytes    int64         `json:"media_bytes"`
		// ChangesPerSecond and RequestsPerSecond are over the patrols
		// and the final sync, the simulator's pacing included.
		ChangesPerSecond  float64 `json:"changes_per_second"`
		RequestsPerSecond float64 `json:"requests_per_second"`
		// PushChangesPerSecond is applied changes per second of time
		// the server spent answering pushes.
		PushChangesPerSecond float64       `json:"push_changes_per_server_second"`
		CPUPerThousandChange time.Duration `json:"cpu_per_1000_changes_ns"`
	} `json:"server"`
	Latency map[string]faultproxy.Latency `json:"latency"`
	Verdict verdict.Verdict               `json:"verdict"`
	Notes   []string                      `json:"notes,omitempty"`
}

// PhoneInfo describes one simulated phone.
type PhoneInfo struct {
	Username string        `json:"username"`
	Team     string        `json:"team"`
	DeviceID string        `json:"device_id"`
	Link     string        `json:"link"`
	Skew     time.Duration `json:"skew_ns"`
}

func (w *world) report(in *verdict.Input, v verdict.Verdict, tm timings) *Report {
	r := &Report{Seed: w.cfg.Seed, Machine: machine.Describe(), Timings: tm, Actions: w.stats.actions, Verdict: v, Notes: w.stats.notes}
	c := &r.Config
	c.Teams, c.Phones, c.Days, c.PatrolsPerDay, c.StepsPerPatrol = w.cfg.Teams, w.cfg.Phones, w.cfg.Days, w.cfg.PatrolsPerDay, w.cfg.StepsPerPatrol
	c.Faults, c.Kills, c.Rates = w.cfg.Faults, w.cfg.Kills, w.cfg.Rates
	c.Storage, c.StorageOutages = w.cfg.Storage, w.cfg.StorageOutages
	if c.Storage == "" {
		c.Storage = StorageLocal
	}
	r.Total = tm.Setup + tm.Patrols + tm.Quiet + tm.Verdict
	for _, p := range w.phones {
		r.Phones = append(r.Phones, PhoneInfo{Username: p.username, Team: p.team.name, DeviceID: p.device, Link: p.link.Name, Skew: p.skew})
	}
	s := in.Ledger
	r.Changes.Sent, r.Changes.Applied, r.Changes.Rejected = len(s.Changes), len(s.Commits), len(s.Rejected)
	r.Changes.Pushes, r.Changes.Pulls = s.Pushes, s.Pulls
	for _, rs := range s.Results {
		for _, res := range rs {
			if res.Status == syncproto.StatusDuplicate {
				r.Changes.DuplicateAnswers++
			}
		}
	}
	for _, cm := range s.Commits {
		if cm.Result.Restamped != "" {
			r.Changes.Restamped++
		}
		if cm.Result.Status == syncproto.StatusDuplicate {
			r.Changes.LearnedOnResend++
		}
	}
	r.Photos.Attached = len(w.photos)
	for _, ph := range w.photos {
		switch {
		case ph.refused:
			r.Photos.Refused++
		case in.Server["media/"+ph.mediaID].Deleted:
			r.Photos.DeletedAfterwards++
		}
		if got := in.Content[ph.mediaID]; got.Status == 200 {
			r.Photos.Stored++
			r.Photos.Bytes += got.Size
		}
	}
	r.Conflicts.ByKind, r.Conflicts.ByStatus = map[string]int{}, map[string]int{}
	for _, sc := range in.Conflicts {
		r.Conflicts.ByKind[sc.Kind]++
		r.Conflicts.ByStatus[sc.Status]++
	}
	r.Conflicts.Resolutions, r.Conflicts.Reviews = len(s.Resolutions), len(s.Reviews)
	r.Faults, r.Requests = w.ctl.Faults(), w.ctl.Requests()
	r.Kills.Between, r.Kills.InFlight = w.stats.killsBetween, r.Faults["kill"]
	w.killMu.Lock()
	r.Kills.Restarts = len(w.stats.restartTimes)
	for _, d := range w.stats.restartTimes {
		r.Kills.RestartMean += d
		r.Kills.RestartMax = max(r.Kills.RestartMax, d)
	}
	if r.Kills.Restarts > 0 {
		r.Kills.RestartMean /= time.Duration(r.Kills.Restarts)
	}
	w.killMu.Unlock()
	r.Sync.Attempts, r.Sync.Failures, r.Sync.Recoveries, r.Sync.OfflineStretches = w.stats.syncs, w.stats.syncFailures, w.stats.recoveries, w.stats.offline
	r.Latency = w.ctl.Latencies()
	sv := &r.Server
	sv.PeakRSS, sv.FinalRSS, sv.CPU = w.sampler.close()
	sv.DatabaseBytes, sv.MediaBytes = dataSizes(w.srv.DataDir)
	sv.MediaBytes = w.mediaBytes(sv.MediaBytes)
	r.Storage = w.storageReport(in)
	if busy := (tm.Patrols + tm.Quiet).Seconds(); busy > 0 {
		sv.ChangesPerSecond = float64(r.Changes.Applied) / busy
		sv.RequestsPerSecond = float64(r.Requests) / busy
	}
	if push := r.Latency["push"].Total; push > 0 {
		sv.PushChangesPerSecond = float64(r.Changes.Applied) / push.Seconds()
	}
	if r.Changes.Applied > 0 {
		sv.CPUPerThousandChange = sv.CPU * 1000 / time.Duration(r.Changes.Applied)
	}
	return r
}

// dataSizes sums the server's data directory: the database files, and
// the media folder.
func dataSizes(dir string) (db, media int64) {
	filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dir, path)
		switch {
		case strings.HasPrefix(rel, "media"+string(filepath.Separator)):
			media += info.Size()
		case strings.HasSuffix(rel, ".log"):
		default:
			db += info.Size()
		}
		return nil
	})
	return db, media
}

// WriteJSON writes the report to path.
func (r *Report) WriteJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

func sortedNames(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
