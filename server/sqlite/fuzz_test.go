package sqlite

import (
	"encoding/json"
	"testing"

	"urcsync/syncproto"
)

// FuzzPushChange feeds arbitrary bytes to the per-change push decoder: it
// must never panic, and whatever it accepts must be fully valid.
func FuzzPushChange(f *testing.F) {
	db, _ := mustOpen(f, Options{})
	dev := "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
	f.Add([]byte(`{"op_id":"0190a1b2-c3d4-7e5f-8a9b-000000000001","collection":"encounters","id":"0190a1b2-c3d4-7e5f-8a9b-0000000000aa","kind":"upsert","fields":{"category":"anak_jalanan","lat":3.5952,"lon":98.6722},"hlc":"1764230400123-00000-0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","base_cursor":""}`))
	f.Add([]byte(`{"op_id":"0190a1b2-c3d4-7e5f-8a9b-000000000001","collection":"media","id":"0190A1B2-C3D4-7E5F-8A9B-0000000000AA","kind":"delete","hlc":"1764230400123-00000-0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"}`))
	f.Add([]byte(`{"fields":{"lat":[[[[[[[[[[1]]]]]]]]]]}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		pc := db.prepare(json.RawMessage(raw), dev)
		if pc.rej != nil {
			if pc.rej.Code == "" || pc.rej.Message == "" {
				t.Fatalf("rejection without code or message: %+v", pc.rej)
			}
			return
		}
		if _, ok := syncproto.CanonicalUUID(pc.ch.ID); !ok || !pc.validOp {
			t.Fatalf("accepted a change without valid ids: %s", raw)
		}
		if pc.ch.Kind != syncproto.KindUpsert && pc.ch.Kind != syncproto.KindDelete {
			t.Fatalf("accepted kind %q", pc.ch.Kind)
		}
		if _, err := syncproto.ParseHLC(pc.ch.HLC); err != nil {
			t.Fatalf("accepted hlc %q", pc.ch.HLC)
		}
		for name, v := range pc.fields {
			if !json.Valid(v) {
				t.Fatalf("field %s accepted with invalid JSON %q", name, v)
			}
		}
	})
}
