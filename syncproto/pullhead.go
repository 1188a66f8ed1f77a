package syncproto

import (
	"io"

	"github.com/go-json-experiment/json/jsontext"
)

// PullHead is the position of a pull page: the members the server writes
// before the page's records.
type PullHead struct {
	Cursor  string
	HasMore bool
}

// ReadPullHead reads cursor and has_more from the start of a pull page,
// as the page arrives, without reading its records (it may read ahead a
// little). ok is false when the page does not begin with both (another
// server's order): read the whole page instead.
func ReadPullHead(page io.Reader) (h PullHead, ok bool) {
	d := jsontext.NewDecoder(page)
	if t, err := d.ReadToken(); err != nil || t.Kind() != '{' {
		return h, false
	}
	var haveCursor, haveMore bool
	for !(haveCursor && haveMore) {
		t, err := d.ReadToken()
		if err != nil || t.Kind() != '"' {
			return h, false
		}
		name := t.String() // a token lasts until the next read
		v, err := d.ReadToken()
		if err != nil {
			return h, false
		}
		switch name {
		case "cursor":
			if v.Kind() != '"' {
				return h, false
			}
			h.Cursor, haveCursor = v.String(), true
		case "has_more":
			if v.Kind() != 't' && v.Kind() != 'f' {
				return h, false
			}
			h.HasMore, haveMore = v.Bool(), true
		case "server_hlc":
		default:
			// The records, or anything else, before the position.
			return h, false
		}
	}
	return h, true
}
