package schema

import (
	"errors"
	"time"
)

// TimeLayout is the form in which the server emits every time: UTC with
// milliseconds.
const TimeLayout = "2006-01-02T15:04:05.000Z"

var errDateTime = errors.New("not an RFC 3339 date-time")

// ParseTime parses an RFC 3339 date-time with any fraction of a second and
// any offset ("T"/"Z" in either case). Leap seconds and times whose UTC
// year falls outside 0001–9999 are refused.
func ParseTime(s string) (time.Time, error) {
	if len(s) < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':' {
		return time.Time{}, errDateTime
	}
	year, ok1 := atoi(s[0:4])
	month, ok2 := atoi(s[5:7])
	day, ok3 := atoi(s[8:10])
	hour, ok4 := atoi(s[11:13])
	minute, ok5 := atoi(s[14:16])
	sec, ok6 := atoi(s[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
		return time.Time{}, errDateTime
	}
	if month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, errDateTime
	}
	i, nsec := 19, 0
	if i < len(s) && s[i] == '.' {
		i++
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			if i-start < 9 {
				nsec = nsec*10 + int(s[i]-'0')
			}
			i++
		}
		n := i - start
		if n == 0 {
			return time.Time{}, errDateTime
		}
		for ; n < 9; n++ {
			nsec *= 10
		}
	}
	offset, ok := parseOffset(s[i:])
	if !ok {
		return time.Time{}, errDateTime
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC).Add(-time.Duration(offset) * time.Second)
	if t.Year() < 1 || t.Year() > 9999 {
		return time.Time{}, errDateTime
	}
	return t, nil
}

// FormatTime renders t as the server emits times: UTC with milliseconds.
func FormatTime(t time.Time) string {
	return t.UTC().Format(TimeLayout)
}

// parseOffset reads "Z", "z" or "±HH:MM" (hours ≤ 23, minutes ≤ 59) and
// returns the offset east of UTC in seconds.
func parseOffset(s string) (int, bool) {
	if s == "Z" || s == "z" {
		return 0, true
	}
	if len(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' {
		return 0, false
	}
	h, ok1 := atoi(s[1:3])
	m, ok2 := atoi(s[4:6])
	if !ok1 || !ok2 || h > 23 || m > 59 {
		return 0, false
	}
	off := h*3600 + m*60
	if s[0] == '-' {
		off = -off
	}
	return off, true
}

func atoi(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
