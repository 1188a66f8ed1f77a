package imaging

import "time"

// exifTimeLayout is the EXIF date-time format, "YYYY:MM:DD HH:MM:SS".
const exifTimeLayout = "2006:01:02 15:04:05"

// exifTime reads the time of the timeTag entry of td, in the offset of the
// offTag entry of od when that is valid, else in loc. Blank, zero
// ("0000:00:00 00:00:00") or otherwise invalid times give nil.
func exifTime(td ifd, timeTag uint16, od ifd, offTag uint16, loc *time.Location) *time.Time {
	s, ok := td.ascii(timeTag)
	if !ok || len(s) < len(exifTimeLayout) {
		return nil
	}
	if off, ok := od.ascii(offTag); ok {
		if zone, ok := parseOffset(off); ok {
			loc = zone
		}
	}
	t, err := time.ParseInLocation(exifTimeLayout, s[:len(exifTimeLayout)], loc)
	if err != nil {
		return nil
	}
	return &t
}

// parseOffset reads an EXIF time offset, "+HH:MM" or "-HH:MM".
func parseOffset(s string) (*time.Location, bool) {
	if len(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' {
		return nil, false
	}
	hh, ok1 := twoDigits(s[1:3])
	mm, ok2 := twoDigits(s[4:6])
	if !ok1 || !ok2 || hh > 14 || mm > 59 {
		return nil, false
	}
	secs := (hh*60 + mm) * 60
	if s[0] == '-' {
		secs = -secs
	}
	return time.FixedZone(s, secs), true
}

// twoDigits parses a two-digit decimal number.
func twoDigits(s string) (int, bool) {
	if s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' {
		return 0, false
	}
	return int(s[0]-'0')*10 + int(s[1]-'0'), true
}
