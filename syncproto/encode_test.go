package syncproto

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestEncodedPullMatchesEncodingJSON(t *testing.T) {
	// Stored fields are what encoding/json wrote, so they are escaped alike.
	fields, _ := json.Marshal(map[string]any{"a": 1, "b": "x<y>&é"})
	resp := PullResponse{
		Changes: []RecordChange{
			{Collection: "encounters", ID: "0190a1b2-c3d4-7e5f-8a9b-000000000001", Fields: fields, HLC: "1764230400123-00000-" + devA},
			{Collection: "persons", ID: "0190a1b2-c3d4-7e5f-8a9b-000000000002", Deleted: true, HLC: "1764230400124-00000-" + devA},
		},
		Cursor: "MS4x.abc", HasMore: true, ServerHLC: "1764230400125-00001-" + ServerNode,
	}
	want, err := json.Marshal(&resp)
	if err != nil {
		t.Fatal(err)
	}
	changes, _ := json.Marshal(resp.Changes)
	page := EncodedPull{Cursor: resp.Cursor, HasMore: resp.HasMore, ServerHLC: resp.ServerHLC, Changes: changes, Count: 2}
	if got := page.AppendJSON(nil); string(got) != string(want) {
		t.Fatalf("AppendJSON\n got %s\nwant %s", got, want)
	}
	var w bytes.Buffer
	if err := page.WriteJSON(&w); err != nil || w.String() != string(want) {
		t.Fatalf("WriteJSON\n got %s, %v\nwant %s", w.String(), err, want)
	}
	back, err := page.Decode()
	if err != nil || len(back.Changes) != 2 || back.Changes[1].ID != resp.Changes[1].ID || back.Cursor != resp.Cursor {
		t.Fatalf("Decode = %+v, %v", back, err)
	}
	empty := PullResponse{Changes: []RecordChange{}, Cursor: "c\"q", ServerHLC: "é"}
	want, _ = json.Marshal(&empty)
	emptyPage := EncodedPull{Cursor: empty.Cursor, ServerHLC: empty.ServerHLC}
	if got := emptyPage.AppendJSON(nil); string(got) != string(want) {
		t.Fatalf("AppendJSON\n got %s\nwant %s", got, want)
	}
}

func TestReadPullHead(t *testing.T) {
	page := EncodedPull{
		Changes:   json.RawMessage(`[{"collection":"encounters","id":"0190a1b2-c3d4-7e5f-8a9b-000000000001","deleted":false,"fields":{"a":1},"hlc":"1764230400123-00000-` + devA + `"}]`),
		Count:     1,
		Cursor:    "MS4x.abc",
		HasMore:   true,
		ServerHLC: "1764230400125-00001-" + ServerNode,
	}
	h, ok := ReadPullHead(bytes.NewReader(page.AppendJSON(nil)))
	if !ok || h.Cursor != "MS4x.abc" || !h.HasMore {
		t.Fatalf("ReadPullHead = %+v, %v", h, ok)
	}
	page.HasMore, page.Cursor = false, "c\"q"
	if h, ok := ReadPullHead(bytes.NewReader(page.AppendJSON(nil))); !ok || h.Cursor != `c"q` || h.HasMore {
		t.Fatalf("ReadPullHead of the last page = %+v, %v", h, ok)
	}
	for _, other := range []string{
		`{"changes":[],"cursor":"x","has_more":true}`,
		`{"cursor":"x","server_hlc":"y"}`,
		`{"cursor":1,"has_more":true}`,
		`[]`,
		`{"cursor":"x","has_more":`,
	} {
		if h, ok := ReadPullHead(strings.NewReader(other)); ok {
			t.Errorf("ReadPullHead(%s) = %+v, true; want false", other, h)
		}
	}
}

func TestPushResponseAppendJSONMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	words := []string{"", "lat", "x<y>&é", `q"uote`, "tab\t", "0190a1b2-c3d4-7e5f-8a9b-000000000001"}
	pick := func() string { return words[rng.IntN(len(words))] }
	for n := range 500 {
		resp := PushResponse{ServerHLC: pick()}
		if n%7 != 0 {
			resp.Results = []PushResult{}
		}
		for range rng.IntN(4) {
			r := PushResult{OpID: pick(), Status: pick(), Restamped: pick()}
			if rng.IntN(3) == 0 {
				r.Error = &ChangeError{Code: pick(), Message: pick(), Field: pick()}
			}
			for range rng.IntN(3) {
				r.Conflicts = append(r.Conflicts, ConflictRef{Field: pick(), ConflictID: pick(), Kind: pick()})
			}
			for range rng.IntN(3) {
				r.Superseded = append(r.Superseded, pick())
			}
			if rng.IntN(4) == 0 {
				r.Superseded = []string{}
			}
			resp.Results = append(resp.Results, r)
		}
		want, err := json.Marshal(&resp)
		if err != nil {
			t.Fatal(err)
		}
		if got := resp.AppendJSON(nil); string(got) != string(want) {
			t.Fatalf("AppendJSON\n got %s\nwant %s", got, want)
		}
	}
}
