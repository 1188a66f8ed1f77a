package sqlite

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"urcsync/syncproto"
)

// randomRecord builds a record's state from a random run of upserts,
// deletes and restores by a few devices and the server.
func randomRecord(rng *rand.Rand) *storedRecord {
	devices := []string{"0190c3c2-0000-7000-8000-000000000001", "0190c3c2-0000-7000-8000-000000000002", syncproto.ServerNode}
	fields := []string{"category", "lat", "lon", "notes", "sex"}
	values := []string{`"a"`, `1.5`, `null`, `"é \"q\""`, `[1,2]`, `{"x":true}`}
	r := &storedRecord{state: syncproto.NewRecord(), team: "urc-1", createdAt: "2026-01-01T00:00:00.000Z"}
	for i := range 1 + rng.IntN(8) {
		dev := devices[rng.IntN(len(devices))]
		w := syncproto.Write{Kind: syncproto.KindUpsert, BaseSeq: int64(rng.IntN(i + 1))}
		w.Stamp = syncproto.Stamp{HLC: fmt.Sprintf("%013d-%05d-%s", 1000+rng.IntN(20), i, dev), Device: dev, At: fmt.Sprintf("2026-01-01T00:00:%02d.000Z", i), Pos: int64(i + 1)}
		if dev != syncproto.ServerNode {
			w.User = "user-" + dev[len(dev)-1:]
		}
		switch rng.IntN(6) {
		case 0:
			w.Kind = syncproto.KindDelete
		case 1:
			w.Kind = syncproto.KindRestore
		default:
			w.Fields = map[string]json.RawMessage{}
			for range 1 + rng.IntN(3) {
				w.Fields[fields[rng.IntN(len(fields))]] = json.RawMessage(values[rng.IntN(len(values))])
			}
		}
		r.state.Apply(w)
		if i == 0 {
			r.createdDevice, r.createdBy = w.Device, w.User
		}
		r.updatedAt, r.seq = w.At, w.Pos
	}
	return r
}

// encodeRecord stores r as saveRecord would at its position.
func encodeRecord(t *testing.T, r *storedRecord) (state []byte, row syncproto.Stamp) {
	t.Helper()
	row = rowStamp(r, r.state.HighestHLC(), r.seq)
	state, err := encodeState(nil, r.state, row)
	if err != nil {
		t.Fatal(err)
	}
	return state, row
}

// withoutEmptyDevices drops devices that remember no field: the same
// state for the device-order rule.
func withoutEmptyDevices(r *syncproto.Record) {
	for dev, fields := range r.DeviceLast {
		if len(fields) == 0 {
			delete(r.DeviceLast, dev)
		}
	}
	if len(r.DeviceLast) == 0 {
		r.DeviceLast = nil
	}
}

func TestStateCodecRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for n := range 2000 {
		r := randomRecord(rng)
		state, row := encodeRecord(t, r)
		if !strings.HasPrefix(string(state), stateV2Prefix) || !json.Valid(state) {
			t.Fatalf("case %d: state is not the stored form: %s", n, state)
		}
		got := syncproto.NewRecord()
		if err := decodeState(string(state), renderDoc(r), row, got); err != nil {
			t.Fatalf("case %d: %v\nstate %s", n, err, state)
		}
		want := *r.state
		if want.Fields == nil {
			want.Fields = map[string]syncproto.FieldState{}
		}
		withoutEmptyDevices(&want)
		if !reflect.DeepEqual(got, &want) {
			t.Fatalf("case %d: round trip differs\n got %+v\nwant %+v\nstate %s", n, got, &want, state)
		}
	}
}

func TestStateCodecReadsTheFormWithValues(t *testing.T) {
	r := randomRecord(rand.New(rand.NewPCG(1, 2)))
	legacy, err := json.Marshal(r.state)
	if err != nil {
		t.Fatal(err)
	}
	got := syncproto.NewRecord()
	if err := decodeState(string(legacy), "", syncproto.Stamp{}, got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Fields, r.state.Fields) || got.DeletedStamp != r.state.DeletedStamp {
		t.Fatalf("legacy state read as %+v, want %+v", got, r.state)
	}
}

func TestStateCodecKeepsValuesOfServerOwnedNames(t *testing.T) {
	r := randomRecord(rand.New(rand.NewPCG(3, 4)))
	r.state.Fields["created_at"] = syncproto.FieldState{Value: json.RawMessage(`"phone's own"`), Stamp: syncproto.Stamp{HLC: "h", Device: "d", At: "a", Pos: 9}}
	state, row := encodeRecord(t, r)
	if strings.HasPrefix(string(state), stateV2Prefix) {
		t.Fatalf("a field named like a server-owned key was stored without its value: %s", state)
	}
	got := syncproto.NewRecord()
	if err := decodeState(string(state), renderDoc(r), row, got); err != nil {
		t.Fatal(err)
	}
	if v := string(got.Fields["created_at"].Value); v != `"phone's own"` {
		t.Fatalf("created_at field = %s", v)
	}
}

func TestStateCodecRefusesAStateItsDocumentDoesNotMatch(t *testing.T) {
	r := randomRecord(rand.New(rand.NewPCG(5, 6)))
	r.state.Fields["notes"] = syncproto.FieldState{Value: json.RawMessage(`"x"`), Stamp: syncproto.Stamp{HLC: "h", Device: "d", At: "a", Pos: 1}}
	state, row := encodeRecord(t, r)
	if err := decodeState(string(state), `{"team_id":"urc-1"}`, row, syncproto.NewRecord()); err == nil {
		t.Fatal("a state whose document lacks a field's value was accepted")
	}
}

func TestStateCodecOneChangeRecordStoresNoStamp(t *testing.T) {
	r := &storedRecord{state: syncproto.NewRecord(), team: "urc-1", createdDevice: "dev-1", createdBy: "user-1",
		createdAt: "2026-01-01T00:00:00.000Z", updatedAt: "2026-01-01T00:00:00.000Z", seq: 7}
	w := syncproto.Write{Kind: syncproto.KindUpsert, Fields: map[string]json.RawMessage{"lat": json.RawMessage("3.5"), "lon": json.RawMessage("98.6")}}
	w.Stamp = syncproto.Stamp{HLC: "0001780000000-00001-dev-1", Device: "dev-1", User: "user-1", At: r.updatedAt, Pos: 7}
	r.state.Apply(w)
	state, _ := encodeRecord(t, r)
	if want := `{"v":2,"s":[],"f":{"lat":-1,"lon":-1}}`; string(state) != want {
		t.Fatalf("state of a one-change record = %s, want %s", state, want)
	}
}

func TestStateCodecKeepsAbsentDeviceMemory(t *testing.T) {
	// A winning device stamp the device-order memory lacks (as in states
	// written before that memory existed) must not be invented on reading.
	r := &storedRecord{state: syncproto.NewRecord(), team: "urc-1", createdDevice: "dev-1", seq: 3}
	r.state.Fields["lat"] = syncproto.FieldState{Value: json.RawMessage("1"), Stamp: syncproto.Stamp{HLC: "h1", Device: "dev-2", At: "a", Pos: 2}}
	r.state.Fields["lon"] = syncproto.FieldState{Value: json.RawMessage("2"), Stamp: syncproto.Stamp{HLC: "h2", Device: "dev-3", At: "a", Pos: 3}}
	r.state.DeviceLast = map[string]map[string]string{"dev-3": {"lon": "h2", "lat": "h0"}}
	state, row := encodeRecord(t, r)
	got := syncproto.NewRecord()
	if err := decodeState(string(state), renderDoc(r), row, got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.DeviceLast, r.state.DeviceLast) {
		t.Fatalf("device memory read back as %v, want %v (state %s)", got.DeviceLast, r.state.DeviceLast, state)
	}
}

func TestStateCodecKeepsAbsentDeviceMemoryWhenThereIsNone(t *testing.T) {
	r := &storedRecord{state: syncproto.NewRecord(), team: "urc-1", createdDevice: "dev-1", seq: 3}
	r.state.Fields["lat"] = syncproto.FieldState{Value: json.RawMessage("1"), Stamp: syncproto.Stamp{HLC: "h1", Device: "dev-2", At: "a", Pos: 2}}
	state, row := encodeRecord(t, r)
	got := syncproto.NewRecord()
	if err := decodeState(string(state), renderDoc(r), row, got); err != nil {
		t.Fatal(err)
	}
	if got.DeviceLast != nil {
		t.Fatalf("device memory read back as %v, want none (state %s)", got.DeviceLast, state)
	}
}
