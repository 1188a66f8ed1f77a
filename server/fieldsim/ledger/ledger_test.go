package ledger

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"urcsync/server/fieldsim/faultproxy"
	"urcsync/syncproto"
)

const (
	devA = "0190a8f2-6000-7000-8000-00000000000a"
	devB = "0190a8f2-6000-7000-8000-00000000000b"
)

func pushExchange(t *testing.T, phone int, changes []syncproto.Change, results []syncproto.PushResult, fault faultproxy.Kind) *faultproxy.Exchange {
	t.Helper()
	dev := []string{devA, devB}[phone]
	req, _ := json.Marshal(syncproto.PushRequest{DeviceID: dev, Changes: changes})
	ex := &faultproxy.Exchange{Phone: phone, Method: http.MethodPost, Path: "/v1/sync/push", ReqHeader: http.Header{},
		ReqBody: req, Sent: time.Now(), Fault: fault}
	if results != nil {
		resp, _ := json.Marshal(syncproto.PushResponse{Results: results, ServerHLC: "9999999999999-00000-" + syncproto.ServerNode})
		ex.Status, ex.RespHeader, ex.RespBody, ex.Answered = http.StatusOK, http.Header{}, resp, time.Now()
	}
	return ex
}

func change(op, dev, hlc, notes string) syncproto.Change {
	return syncproto.Change{OpID: op, Collection: "encounters", ID: "0190a8f2-6000-7000-8000-0000000000e1", Kind: syncproto.KindUpsert,
		Fields: map[string]json.RawMessage{"notes": json.RawMessage(`"` + notes + `"`)}, HLC: hlc + "-" + dev}
}

func TestCommitOrderAndAnomalies(t *testing.T) {
	l := New([]Phone{{Index: 0, DeviceID: devA}, {Index: 1, DeviceID: devB}})
	a := change("0190a8f2-6000-7000-8000-0000000000a1", devA, "1764230400000-00000", "a")
	b := change("0190a8f2-6000-7000-8000-0000000000b1", devB, "1764230400001-00000", "b")

	// A's push dies with the server; the re-send learns it committed.
	l.Unanswered(pushExchange(t, 0, []syncproto.Change{a}, nil, faultproxy.Kill))
	if !l.Unsettled(0) {
		t.Fatal("a change in flight during a kill should be unsettled")
	}
	l.Answered(pushExchange(t, 0, []syncproto.Change{a}, []syncproto.PushResult{{OpID: a.OpID, Status: syncproto.StatusDuplicate}}, faultproxy.None))
	if l.Unsettled(0) {
		t.Fatal("the re-send settled it")
	}
	// B had not pulled A's change: a conflict, which the answer reports.
	conflict := []syncproto.ConflictRef{{Field: "notes", ConflictID: "0190a8f2-6000-7000-8000-0000000000c1", Kind: "concurrent_edit"}}
	l.Answered(pushExchange(t, 1, []syncproto.Change{b}, []syncproto.PushResult{{OpID: b.OpID, Status: syncproto.StatusApplied, Conflicts: conflict}}, faultproxy.None))
	// A re-send of B's change applied again is a double apply.
	l.Answered(pushExchange(t, 1, []syncproto.Change{b}, []syncproto.PushResult{{OpID: b.OpID, Status: syncproto.StatusApplied, Conflicts: conflict}}, faultproxy.None))

	s := l.Snapshot()
	if len(s.Commits) != 2 || s.Commits[0].OpID != a.OpID || s.Commits[0].OrderUncertain {
		t.Fatalf("commits %+v", s.Commits)
	}
	if c := s.Commits[1]; len(c.UnmatchedServer) != 0 || len(c.UnmatchedModel) != 0 || l.ConflictFor(conflict[0].ConflictID) == nil {
		t.Fatalf("the reported conflict should pair with the model's: %+v", c)
	}
	if len(s.Anomalies) != 1 || s.Anomalies[0].Kind != "applied_twice" {
		t.Fatalf("anomalies %+v", s.Anomalies)
	}
}

func TestUncertainOrder(t *testing.T) {
	l := New([]Phone{{Index: 0, DeviceID: devA}, {Index: 1, DeviceID: devB}})
	a := change("0190a8f2-6000-7000-8000-0000000000a1", devA, "1764230400000-00000", "a")
	b := change("0190a8f2-6000-7000-8000-0000000000b1", devB, "1764230400001-00000", "b")
	l.Unanswered(pushExchange(t, 0, []syncproto.Change{a}, nil, faultproxy.Kill))
	l.Answered(pushExchange(t, 1, []syncproto.Change{b}, []syncproto.PushResult{{OpID: b.OpID, Status: syncproto.StatusApplied}}, faultproxy.None))
	l.Answered(pushExchange(t, 0, []syncproto.Change{a}, []syncproto.PushResult{{OpID: a.OpID, Status: syncproto.StatusDuplicate}}, faultproxy.None))
	s := l.Snapshot()
	if !s.ByOp[a.OpID].OrderUncertain {
		t.Fatal("another phone committed between the kill and the re-send: the order is uncertain")
	}
}
