package media

import (
	"time"

	"urcsync/server/core"
	"urcsync/server/imaging"
)

// Flag values of a media record.
const (
	FlagLocationMismatch = "location_mismatch"
	FlagTimeMismatch     = "time_mismatch"
	FlagNoExif           = "no_exif"
)

// Checks are the thresholds of the EXIF checks (§5: 1 km, 6 h).
type Checks struct {
	MaxDistanceMeters float64
	MaxTimeApart      time.Duration
}

// DefaultChecks are the protocol's defaults.
var DefaultChecks = Checks{MaxDistanceMeters: 1000, MaxTimeApart: 6 * time.Hour}

// Flags compares a photo's EXIF with its encounter; the result is sorted.
func (c Checks) Flags(f core.MediaFacts) []string {
	flags := []string{}
	if f.ExifLat != nil && f.ExifLon != nil && f.EncLat != nil && f.EncLon != nil &&
		imaging.DistanceMeters(*f.ExifLat, *f.ExifLon, *f.EncLat, *f.EncLon) > c.MaxDistanceMeters {
		flags = append(flags, FlagLocationMismatch)
	}
	if !f.HasExif {
		flags = append(flags, FlagNoExif)
	}
	if f.ExifTakenAt != nil && f.EncAt != nil {
		d := f.ExifTakenAt.Sub(*f.EncAt)
		if d < 0 {
			d = -d
		}
		if d > c.MaxTimeApart {
			flags = append(flags, FlagTimeMismatch)
		}
	}
	return flags
}
