package ledger

import (
	"urcsync/server/fieldsim/faultproxy"
	"urcsync/syncproto"
)

// checkServerStamp checks that a stamp the server issued is above every
// stamp it applied before (its clock observes each of them and never goes
// back, also across restarts).
func (l *Ledger) checkServerStamp(what, hlc string) {
	h, err := syncproto.ParseHLC(hlc)
	switch {
	case err != nil:
		l.anomaly("invalid_server_stamp", "%s: %q is not a stamp", what, hlc)
	case h.Node != syncproto.ServerNode:
		l.anomaly("invalid_server_stamp", "%s: %s is not the server's node", what, hlc)
	case hlc <= l.maxApplied:
		l.anomaly("server_clock_backwards", "%s: %s is not above %s, a stamp applied before", what, hlc, l.maxApplied)
	}
}

// checkServerHLC checks that server_hlc never goes back between answers
// that did not overlap.
func (l *Ledger) checkServerHLC(ex *faultproxy.Exchange, hlc string) {
	if _, err := syncproto.ParseHLC(hlc); err != nil {
		l.anomaly("invalid_server_hlc", "server_hlc %q does not parse", hlc)
		return
	}
	for _, a := range l.answers {
		if a.at.Before(ex.Sent) && hlc < a.hlc {
			l.anomaly("server_hlc_backwards", "server_hlc %s is below %s, answered before this request was sent", hlc, a.hlc)
			break
		}
	}
	l.answers = append(l.answers, hlcAt{at: ex.Answered, hlc: hlc})
	if len(l.answers) > 32 {
		l.answers = l.answers[len(l.answers)-32:]
	}
}
