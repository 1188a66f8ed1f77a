package verdict

import (
	"fmt"
	"net/http"
)

func photos(r *run) {
	for _, ph := range r.in.Photos {
		k := key("media", ph.MediaID)
		subject := fmt.Sprintf("photo %s (%s from %s)", ph.MediaID, ph.File, r.phoneName(ph.Phone))
		sr, ok := r.in.Server[k]
		got := r.in.Content[ph.MediaID]
		status := fieldsOf(sr.Fields)["content_status"]
		switch {
		case !ok:
			r.fail(subject, "the server has no media record")
		case ph.Refused:
			var bad []string
			if !r.phoneRefused(ph) {
				bad = append(bad, "the phone does not list it among refused photos")
			}
			if got.Status != http.StatusNotFound {
				bad = append(bad, fmt.Sprintf("its original answers %d, want 404 (nothing kept)", got.Status))
			}
			if !sr.Deleted && status != `"awaiting_content"` {
				bad = append(bad, "content_status "+status+", want awaiting_content")
			}
			if len(bad) > 0 {
				r.fail(subject, "a refused photo: %v", bad)
				continue
			}
			r.ok()
		case sr.Deleted:
			if got.Status != http.StatusNotFound {
				r.fail(subject, "the record is deleted, its original still answers %d", got.Status)
				continue
			}
			r.ok()
		case got.Status != http.StatusOK || got.SHA256 != ph.SHA256 || got.Size != ph.Size:
			r.fail(subject, "original: status %d, %d bytes, sha256 %s; the phone had %d bytes, sha256 %s",
				got.Status, got.Size, got.SHA256, ph.Size, ph.SHA256)
		case status != `"stored"`:
			r.fail(subject, "bytes readable but content_status is %s", status)
		default:
			r.ok()
		}
	}
	known := map[string]bool{}
	for _, ph := range r.in.Photos {
		known[ph.MediaID] = true
	}
	for _, id := range sortedKeys(r.in.Ledger.Stored) {
		if !known[id] {
			r.fail("photo "+id, "the server said it stored bytes for a photo no phone attached")
		}
	}
}

func (r *run) phoneName(i int) string {
	if i >= 0 && i < len(r.in.Ledger.Phones) {
		return r.in.Ledger.Phones[i].Username
	}
	return "?"
}

func (r *run) phoneRefused(ph Photo) bool {
	for _, p := range r.in.Phones {
		if p.Index != ph.Phone {
			continue
		}
		for _, rp := range p.RejectedPhotos {
			if rp.MediaID == ph.MediaID {
				return true
			}
		}
	}
	return false
}
