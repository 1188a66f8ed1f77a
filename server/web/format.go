package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"net/url"
	"strconv"
	"time"
)

// wib is Western Indonesia Time (Medan), which has no daylight saving.
var wib = time.FixedZone("WIB", 7*3600)

func (h *Handler) funcs() template.FuncMap {
	return template.FuncMap{
		"asset":  h.assets.url,
		"when":   when,
		"short":  short,
		"mapURL": mapURL,
		"pretty": pretty,
		"link":   link,
		"offset": offset,
		"deref":  deref,
		"pager":  pager,
	}
}

// when shows an RFC 3339 time in WIB.
func when(s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	return t.In(wib).Format("02/01/2006 15:04:05")
}

// short is the first part of a UUID, enough to tell records apart on a
// page.
func short(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

// mapURL links a position to OpenStreetMap; "" when either coordinate is
// not a number.
func mapURL(lat, lon any) string {
	la, ok1 := number(lat)
	lo, ok2 := number(lon)
	if !ok1 || !ok2 || la < -90 || la > 90 || lo < -180 || lo > 180 {
		return ""
	}
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	return "https://www.openstreetmap.org/?mlat=" + f(la) + "&mlon=" + f(lo) + "#map=17/" + f(la) + "/" + f(lo)
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case *float64:
		if x != nil {
			return *x, true
		}
	case json.RawMessage:
		var f float64
		if err := json.Unmarshal(x, &f); err == nil && len(bytes.TrimSpace(x)) > 0 && x[0] != 'n' {
			return f, true
		}
	}
	return 0, false
}

// pretty indents JSON for a <pre>.
func pretty(raw json.RawMessage) string {
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return string(raw)
	}
	return buf.String()
}

// link builds path?k=v&… from pairs, leaving empty values out.
func link(path string, pairs ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			q.Set(pairs[i], pairs[i+1])
		}
	}
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// offset shows a clock offset in milliseconds as ±h:mm:ss.
func offset(ms *int64) string {
	if ms == nil {
		return "–"
	}
	d := time.Duration(*ms) * time.Millisecond
	sign := "+"
	if d < 0 {
		sign, d = "−", -d
	}
	d = d.Round(time.Second)
	return fmt.Sprintf("%s%d:%02d:%02d", sign, int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
