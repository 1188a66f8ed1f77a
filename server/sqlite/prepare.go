package sqlite

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"urcsync/server/schema"
	"urcsync/syncproto"
)

// prepared is one pushed change after the checks that need no database:
// decoding, identifiers, stamp, cursor and field validation. The content
// hash that makes op_ids idempotent is taken over the change as sent.
type prepared struct {
	raw     json.RawMessage
	opID    string // canonical when valid, else as sent
	validOp bool
	ch      syncproto.Change
	hash    []byte
	hlc     syncproto.HLC
	baseSeq int64
	fields  map[string]json.RawMessage // schema-checked, canonical
	rej     *syncproto.ChangeError
	fresh   *freshRecord // the row if it is a create, worked out early
	claimed bool         // its op row was written before applying (claimOps)
}

func reject(code, field, msg string) *syncproto.ChangeError {
	return &syncproto.ChangeError{Code: code, Message: msg, Field: field}
}

// prepare judges a change on its own. deviceID is the token's device.
func (db *DB) prepare(raw json.RawMessage, deviceID string) prepared {
	p := prepared{raw: raw}
	if err := jsonv2.Unmarshal(raw, &p.ch, jsontext.AllowInvalidUTF8(true)); err != nil {
		var probe struct {
			OpID any `json:"op_id"`
		}
		if json.Unmarshal(raw, &probe) == nil {
			if s, ok := probe.OpID.(string); ok {
				p.opID = s
			}
		}
		p.rej = reject(syncproto.CodeInvalidRequest, "", "change is not a valid change object: "+jsonErrorText(err))
		return p
	}
	ch := &p.ch
	p.opID = ch.OpID
	if id, ok := syncproto.CanonicalUUID(ch.OpID); ok {
		p.opID, p.validOp = id, true
	} else {
		p.rej = reject(syncproto.CodeInvalidRequest, "op_id", "op_id must be a UUID")
		return p
	}
	p.hash = contentHash(ch)
	if !db.opt.Schemas.Has(ch.Collection) {
		p.rej = reject(syncproto.CodeUnknownCollection, "collection", "unknown collection")
		return p
	}
	id, ok := syncproto.CanonicalUUID(ch.ID)
	if !ok {
		p.rej = reject(syncproto.CodeInvalidField, "id", "id must be a UUID")
		return p
	}
	ch.ID = id
	if ch.Kind != syncproto.KindUpsert && ch.Kind != syncproto.KindDelete {
		p.rej = reject(syncproto.CodeInvalidRequest, "kind", `kind must be "upsert" or "delete"`)
		return p
	}
	h, err := syncproto.ParseHLC(ch.HLC)
	if err != nil {
		p.rej = reject(syncproto.CodeInvalidHLC, "hlc", "hlc is not a stamp of the form WWWWWWWWWWWWW-CCCCC-NODE")
		return p
	}
	if h.Node != deviceID {
		p.rej = reject(syncproto.CodeInvalidHLC, "hlc", "the stamp's node is not the pushing device")
		return p
	}
	p.hlc = h
	if ch.BaseCursor != "" {
		cur, err := db.cursors.decode(ch.BaseCursor)
		if err != nil {
			p.rej = reject(syncproto.CodeInvalidCursor, "base_cursor", "base_cursor was not issued by this server")
			return p
		}
		p.baseSeq = cur.Seq
	}
	if ch.Kind == syncproto.KindUpsert {
		fields, ferr := db.opt.Schemas.CheckFields(ch.Collection, ch.Fields)
		if ferr != nil {
			p.rej = fieldReject(ferr)
			return p
		}
		p.fields = fields
	}
	return p
}

func fieldReject(e *schema.FieldError) *syncproto.ChangeError {
	return reject(e.Code, e.Field, e.Message)
}

// contentHash covers what makes a change "the same content" (§3):
// collection, id, kind, fields (JSON-equal) and hlc as sent.
func contentHash(ch *syncproto.Change) []byte {
	fields := json.RawMessage("null")
	if ch.Fields != nil {
		if c, err := syncproto.CanonicalObject(ch.Fields); err == nil {
			fields = c
		}
	}
	id, ok := syncproto.CanonicalUUID(ch.ID)
	if !ok {
		id = ch.ID
	}
	// Each part followed by a zero byte, hashed in one piece.
	msg := make([]byte, 0, len(ch.Collection)+len(id)+len(ch.Kind)+len(ch.HLC)+len(fields)+5)
	for _, part := range [...]string{ch.Collection, id, ch.Kind, ch.HLC} {
		msg = append(append(msg, part...), 0)
	}
	msg = append(append(msg, fields...), 0)
	sum := sha256.Sum256(msg)
	return sum[:]
}

// jsonErrorText describes a decoding error without echoing input.
func jsonErrorText(err error) string {
	var syntax *jsontext.SyntacticError
	var se *jsonv2.SemanticError
	switch {
	case errors.Is(err, jsontext.ErrDuplicateName):
		return "a name appears twice in one object"
	case errors.As(err, &syntax):
		return "malformed JSON"
	case errors.As(err, &se):
		if name := se.JSONPointer.LastToken(); name != "" {
			return "wrong type for " + name
		}
		return "not a JSON object"
	}
	return "malformed change"
}

// clockOffset is the device clock's offset from the server's, from the
// push's sent_at.
func clockOffset(sentAt string, now time.Time) (int64, bool) {
	if sentAt == "" {
		return 0, false
	}
	t, err := time.Parse(time.RFC3339Nano, sentAt)
	if err != nil {
		return 0, false
	}
	return t.Sub(now).Milliseconds(), true
}
