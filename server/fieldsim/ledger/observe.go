package ledger

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"urcsync/server/fieldsim/faultproxy"
	"urcsync/server/fieldsim/model"
	"urcsync/syncproto"
)

var sprintf = fmt.Sprintf

// Answered takes in one answer of the server (faultproxy.Observer).
func (l *Ledger) Answered(ex *faultproxy.Exchange) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case ex.Method == http.MethodPost && ex.Path == "/v1/sync/push":
		l.push(ex)
	case ex.Method == http.MethodGet && ex.Path == "/v1/sync/pull":
		l.pull(ex)
	case strings.HasPrefix(ex.Path, "/v1/media/"):
		l.media(ex)
	}
}

// Unanswered takes in a request that got no answer (faultproxy.Observer).
func (l *Ledger) Unanswered(ex *faultproxy.Exchange) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ex.Method != http.MethodPost || ex.Path != "/v1/sync/push" {
		return
	}
	req, ok := l.pushRequest(ex)
	if !ok || ex.Fault == faultproxy.CutRequest {
		return
	}
	for _, ch := range req.Changes {
		c := l.changes[strings.ToLower(ch.OpID)]
		if c == nil || l.byOp[c.OpID] != nil || c.risky {
			continue
		}
		c.risky, c.riskForeign = true, l.foreign(ex.Phone)
	}
}

// pushRequest decodes a push body and registers its changes.
func (l *Ledger) pushRequest(ex *faultproxy.Exchange) (syncproto.PushRequest, bool) {
	var req syncproto.PushRequest
	body, err := faultproxy.Decoded(ex.ReqBody, ex.ReqHeader)
	if err == nil {
		err = json.Unmarshal(body, &req)
	}
	if err != nil {
		l.anomaly("undecodable_request", "phone %d sent a push the ledger cannot read: %v", ex.Phone, err)
		return req, false
	}
	for _, ch := range req.Changes {
		op := strings.ToLower(ch.OpID)
		if old := l.changes[op]; old != nil {
			if old.HLC != ch.HLC || old.ID != ch.ID || old.Kind != ch.Kind {
				l.anomaly("client_altered_change", "op %s was re-sent with other content", op)
			}
			continue
		}
		fields := map[string]string{}
		for f, v := range ch.Fields {
			c, err := model.Canonical(v)
			if err != nil {
				c = string(v)
			}
			fields[f] = c
		}
		ch.OpID = op
		l.changes[op] = &Change{Change: ch, Phone: ex.Phone, Fields: fields, FirstSent: ex.Sent}
		if ch.Collection == "media" && ch.Kind == syncproto.KindUpsert {
			if n, err := strconv.ParseInt(fields["size"], 10, 64); err == nil {
				l.mediaSize[ch.ID] = n
			}
		}
	}
	return req, true
}

func (l *Ledger) push(ex *faultproxy.Exchange) {
	req, ok := l.pushRequest(ex)
	if !ok || ex.Status != http.StatusOK {
		return
	}
	l.pushes++
	var resp syncproto.PushResponse
	body, err := faultproxy.Decoded(ex.RespBody, ex.RespHeader)
	if err == nil {
		err = json.Unmarshal(body, &resp)
	}
	if err != nil {
		l.anomaly("undecodable_answer", "push answer to phone %d is not a push response: %v", ex.Phone, err)
		return
	}
	if len(resp.Results) != len(req.Changes) {
		l.anomaly("result_count", "push of %d changes answered with %d results", len(req.Changes), len(resp.Results))
	}
	l.checkServerHLC(ex, resp.ServerHLC)
	for i, r := range resp.Results {
		op := strings.ToLower(r.OpID)
		if i < len(req.Changes) && strings.ToLower(req.Changes[i].OpID) != op {
			l.anomaly("result_order", "result %d names op %s, change %d is op %s", i, op, i, req.Changes[i].OpID)
		}
		if r.Restamped != "" && r.Restamped > resp.ServerHLC {
			l.anomaly("server_hlc_below_stamp", "server_hlc %s is below the re-stamp %s in the same answer", resp.ServerHLC, r.Restamped)
		}
		l.result(ex, op, r)
	}
}

// result takes in one change's answer.
func (l *Ledger) result(ex *faultproxy.Exchange, op string, r syncproto.PushResult) {
	ch := l.changes[op]
	if ch == nil {
		l.anomaly("unknown_op", "an answer names op %s, which no request carried", op)
		return
	}
	prev := l.results[op]
	l.results[op] = append(prev, r)
	first := l.byOp[op]
	switch r.Status {
	case syncproto.StatusApplied:
		l.applied[op]++
		if l.applied[op] > 1 {
			l.anomaly("applied_twice", "op %s (%s/%s) was answered applied %d times: a re-send was applied again",
				op, ch.Collection, ch.ID, l.applied[op])
		}
		fallthrough
	case syncproto.StatusDuplicate:
		if first == nil {
			l.commit(ex, ch, r)
			return
		}
		if !sameAnswer(first.Result, r) {
			l.anomaly("duplicate_answer_differs", "op %s: first answer %s, later answer %s", op, show(first.Result), show(r))
		}
	case syncproto.StatusRejected:
		if first != nil {
			l.anomaly("rejected_after_apply", "op %s was applied, then a re-send was rejected: %s", op, show(r))
		}
		if r.Error != nil {
			l.rejected[op] = *r.Error
		} else {
			l.rejected[op] = syncproto.ChangeError{Code: "rejected"}
		}
	default:
		l.anomaly("unknown_status", "op %s answered with status %q", op, r.Status)
	}
}

// commit places a change in the order and replays it through the model.
func (l *Ledger) commit(ex *faultproxy.Exchange, ch *Change, r syncproto.PushResult) {
	l.pos++
	l.event(ch.Phone)
	c := &Commit{Pos: l.pos, OpID: ch.OpID, Phone: ch.Phone, Result: r, WallLo: ch.FirstSent, WallHi: ex.Answered}
	if r.Status == syncproto.StatusApplied {
		c.WallLo = ex.Sent
	}
	if r.Status == syncproto.StatusDuplicate && ch.risky && l.foreign(ch.Phone) != ch.riskForeign {
		c.OrderUncertain = true
	}
	base := int64(0)
	if ch.BaseCursor != "" {
		b, ok := l.cursors[ch.BaseCursor]
		base, c.BaseUnknown = b, !ok
	}
	hlc := ch.HLC
	if r.Restamped != "" {
		hlc = r.Restamped
		l.checkServerStamp("re-stamp of op "+ch.OpID, hlc)
	}
	c.Write = model.Write{OpID: ch.OpID, Collection: ch.Collection, ID: strings.ToLower(ch.ID), Kind: ch.Kind,
		Fields: ch.Fields, SentHLC: ch.HLC, HLC: hlc, Device: l.phones[ch.Phone].DeviceID, Base: base, Pos: l.pos}
	if ch.Kind != syncproto.KindUpsert {
		c.Write.Fields = nil
	}
	c.Outcome = l.model.Apply(c.Write)
	l.pair(c)
	l.maxApplied = max(l.maxApplied, hlc)
	l.commits = append(l.commits, c)
	l.byOp[ch.OpID] = c
}

// pair matches the conflicts an answer reported with those the model
// predicts for the same change, by field and kind.
func (l *Ledger) pair(c *Commit) {
	left := append([]*model.Conflict(nil), c.Outcome.Conflicts...)
	for _, ref := range c.Result.Conflicts {
		found := -1
		for i, mc := range left {
			if mc.Field == ref.Field && mc.Kind == ref.Kind {
				found = i
				break
			}
		}
		if found < 0 {
			c.UnmatchedServer = append(c.UnmatchedServer, ref)
			continue
		}
		l.conflictByID[strings.ToLower(ref.ConflictID)] = left[found]
		left = append(left[:found], left[found+1:]...)
	}
	c.UnmatchedModel = left
}

func (l *Ledger) pull(ex *faultproxy.Exchange) {
	if ex.Status != http.StatusOK {
		return
	}
	var resp syncproto.PullResponse
	body, err := faultproxy.Decoded(ex.RespBody, ex.RespHeader)
	if err == nil {
		err = json.Unmarshal(body, &resp)
	}
	if err != nil {
		l.anomaly("undecodable_answer", "pull answer to phone %d is not a pull response: %v", ex.Phone, err)
		return
	}
	l.checkServerHLC(ex, resp.ServerHLC)
	for _, rc := range resp.Changes {
		if rc.HLC > resp.ServerHLC {
			l.anomaly("server_hlc_below_stamp", "pulled %s/%s has stamp %s above server_hlc %s", rc.Collection, rc.ID, rc.HLC, resp.ServerHLC)
		}
	}
	if resp.HasMore {
		return
	}
	l.pulls++
	l.event(ex.Phone)
	if _, ok := l.cursors[resp.Cursor]; !ok {
		l.cursors[resp.Cursor] = l.pos
	}
}

func sameAnswer(a, b syncproto.PushResult) bool {
	a.Status, b.Status = "", ""
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func show(r syncproto.PushResult) string {
	b, _ := json.Marshal(r)
	return string(b)
}
