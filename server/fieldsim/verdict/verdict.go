package verdict

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"urcsync/mobile-contract/client"
	"urcsync/server/fieldsim/ledger"
	"urcsync/server/fieldsim/model"
	"urcsync/server/fieldsim/office"
)

// PhoneState is what one phone holds at the end.
type PhoneState struct {
	Index    int
	Username string
	Team     string
	DeviceID string
	// Records maps "collection/id" to the phone's replica of the record.
	Records        map[string]client.Record
	Rejected       []client.RejectedChange
	RejectedPhotos []client.RejectedPhoto
	Pending        int
	PendingPhotos  int
}

// Photo is a photo a phone attached, with the bytes it had.
type Photo struct {
	MediaID string
	File    string
	SHA256  string
	Size    int64
	Phone   int
	// Refused marks a file the server must refuse.
	Refused bool
}

// Content is the answer to GET /v1/media/{id}/content as admin.
type Content struct {
	Status int
	SHA256 string
	Size   int64
}

// Input is everything the verdict compares.
type Input struct {
	Ledger *ledger.Snapshot
	// Server maps "collection/id" to the admin's pull of every record.
	Server         map[string]office.Record
	Conflicts      []office.Conflict
	ServerRejected []office.RejectedChange
	Phones         []PhoneState
	Photos         []Photo
	Content        map[string]Content
	// Teams maps "collection/id" to the team of the phone that created
	// the record (tombstones carry no team_id).
	Teams map[string]string
	// Intended maps op_ids of deliberately invalid changes to the code
	// they must be rejected with.
	Intended map[string]string
	// SkewWindow is the server's trust window for phone stamps.
	SkewWindow time.Duration
	// QuietErr is what went wrong in the quiet final sync, if anything.
	QuietErr error
}

// Check is one family of checks and how it went.
type Check struct {
	Name         string `json:"name"`
	Description  string `json:"description"`
	Checked      int    `json:"checked"`
	Failed       int    `json:"failed"`
	Unverifiable int    `json:"unverifiable"`
}

// Difference is one precise disagreement.
type Difference struct {
	Check   string `json:"check"`
	Subject string `json:"subject"`
	Detail  string `json:"detail"`
}

// Verdict is the outcome of every check.
type Verdict struct {
	Pass        bool         `json:"pass"`
	Checks      []Check      `json:"checks"`
	Differences []Difference `json:"differences"`
	// Limits says what could not be verified exactly, and why.
	Limits []string `json:"limits"`
}

// run collects the outcome of one check family.
type run struct {
	in    *Input
	check Check
	diffs []Difference
}

func (r *run) ok()           { r.check.Checked++ }
func (r *run) unverifiable() { r.check.Checked++; r.check.Unverifiable++ }
func (r *run) fail(subject, format string, args ...any) {
	r.check.Checked++
	r.check.Failed++
	r.diffs = append(r.diffs, Difference{Check: r.check.Name, Subject: subject, Detail: fmt.Sprintf(format, args...)})
}

// Judge runs every check.
func Judge(in *Input) Verdict {
	families := []struct {
		name, desc string
		fn         func(*run)
	}{
		{"quiet_sync", "after the final sync with faults off, no phone has a change or a photo waiting", quiet},
		{"replicas", "every phone's replica equals the server's records of its team, field by field, deleted flag and stamp", replicas},
		{"acknowledged_changes", "every change a phone was told applied or duplicate holds its field on the server, or a higher stamp holds it", acknowledged},
		{"merge_model", "the server's records equal the independent model's replay of every applied change, field by field", mergeModel},
		{"conflicts", "the server recorded exactly the conflicts the model predicts: kind, field, both values, stamps and devices, and status", conflicts},
		{"push_results", "every first answer to a change reports the superseded fields and conflicts the model predicts, and re-stamps exactly the stamps the skew and device-order rules re-stamp", pushResults},
		{"photos", "every photo is stored with the phone's digest and size, refused photos are kept on the phone and not stored, deleted photos are unreadable", photos},
		{"office", "resolutions are accepted or refused as the model predicts; reviews end in the last decision", officeWork},
		{"rejected", "every rejected change is kept by the server and the phone, and only deliberately invalid changes are rejected", rejected},
		{"protocol", "no change is applied twice, duplicate answers repeat the first, server clocks never go back", protocol},
	}
	var v Verdict
	for _, f := range families {
		r := &run{in: in, check: Check{Name: f.name, Description: f.desc}}
		f.fn(r)
		v.Checks = append(v.Checks, r.check)
		v.Differences = append(v.Differences, r.diffs...)
	}
	v.Pass = len(v.Differences) == 0
	v.Limits = limits(in)
	return v
}

// serverOwned are fields only the server writes; the model does not
// predict them.
var serverOwned = map[string]bool{"team_id": true, "created_by": true, "created_at": true, "updated_at": true,
	"review_status": true, "review_note": true, "content_status": true, "exif_taken_at": true,
	"exif_lat": true, "exif_lon": true, "flags": true}

// fieldsOf decodes a record's fields into canonical values.
func fieldsOf(raw json.RawMessage) map[string]string {
	out := map[string]string{}
	if len(raw) == 0 {
		return out
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return out
	}
	for k, v := range m {
		out[k] = canon(v)
	}
	return out
}

func canon(v json.RawMessage) string {
	c, err := model.Canonical(v)
	if err != nil {
		return string(v)
	}
	return c
}

func short(s string) string {
	if len(s) > 120 {
		return s[:117] + "..."
	}
	return s
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// key names a record as "collection/id".
func key(coll, id string) string { return coll + "/" + strings.ToLower(id) }
