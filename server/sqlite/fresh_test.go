package sqlite

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"urcsync/syncproto"
)

// twin is one of two stores fed the same pushes, one working out creates
// before the writer and one not.
type twin struct {
	db     *DB
	phones []*phone
	names  *strings.Replacer // the store's own user and device ids to names
}

func newTwin(t *testing.T, clk *testClock, noFresh bool) *twin {
	db, _ := mustOpen(t, Options{Now: clk.now})
	db.noFresh = noFresh
	tw := &twin{db: db}
	var pairs []string
	for i, u := range []struct{ name, team string }{{"a1", "urc-1"}, {"a2", "urc-1"}, {"b1", "urc-2"}} {
		ph := mustPhone(t, db, u.name, syncproto.RoleOfficer, u.team)
		tw.phones = append(tw.phones, ph)
		pairs = append(pairs, ph.p.UserID, "user-"+u.name, ph.p.DeviceID, fmt.Sprintf("device-%d", i))
	}
	tw.names = strings.NewReplacer(pairs...)
	return tw
}

// opResults is the kept answer of every op, sorted, ids replaced by names.
func (tw *twin) opResults(t *testing.T) []string {
	rows, err := tw.db.read.Query(`SELECT result FROM ops ORDER BY result`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			t.Fatal(err)
		}
		var res syncproto.PushResult
		if r != "" {
			if err := json.Unmarshal([]byte(r), &res); err != nil {
				t.Fatal(err)
			}
			res.OpID = ""
			for i := range res.Conflicts {
				res.Conflicts[i].ConflictID = ""
			}
		}
		b, _ := json.Marshal(res)
		out = append(out, tw.names.Replace(string(b)))
	}
	slices.Sort(out)
	return out
}

// rows is every record row in seq order, ids replaced by names.
func (tw *twin) rows(t *testing.T) []string {
	rows, err := tw.db.read.Query(`SELECT collection, id, team_id, deleted, hlc, created_by, created_device, created_at, updated_at, doc, CAST(state AS TEXT) FROM records ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c [11]string
		if err := rows.Scan(&c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6], &c[7], &c[8], &c[9], &c[10]); err != nil {
			t.Fatal(err)
		}
		out = append(out, tw.names.Replace(strings.Join(c[:], " | ")))
	}
	return out
}

// step is one change of a scenario, made the same way for both stores.
type step struct {
	phone          int
	collection, id string
	kind           string
	fields         map[string]any
	skew           time.Duration
	resendOf       int // 1 + index of an earlier step to send again, or 0
	reuseOf        int // 1 + index of an earlier step whose op_id to use for this record
}

func (tw *twin) raw(s step, sent []json.RawMessage) json.RawMessage {
	if s.resendOf > 0 {
		return sent[s.resendOf-1]
	}
	if s.reuseOf > 0 {
		var ch map[string]any
		json.Unmarshal(sent[s.reuseOf-1], &ch)
		ch["id"] = s.id
		b, _ := json.Marshal(ch)
		return b
	}
	ph := tw.phones[s.phone]
	ch := map[string]any{"op_id": newID(), "collection": s.collection, "id": s.id, "kind": s.kind, "hlc": ph.clk.Now().String()}
	if s.skew > 0 {
		h, _ := syncproto.ParseHLC(ch["hlc"].(string))
		h.Millis += s.skew.Milliseconds()
		ch["hlc"] = h.String()
	}
	if s.fields != nil {
		ch["fields"] = s.fields
	}
	b, _ := json.Marshal(ch)
	return b
}

// randomPushes makes pushes over a few records of two collections:
// complete upserts (creates when the record is new), partial edits,
// deletes, references across teams, stamps from the future, the same
// record twice in one push, and re-sent changes.
func randomPushes(rng *rand.Rand) [][]step {
	ids := map[string][]string{}
	for range 6 {
		ids["encounters"] = append(ids["encounters"], newID())
		ids["persons"] = append(ids["persons"], newID())
	}
	var pushes [][]step
	total := 0
	for range 40 {
		ph := rng.IntN(3)
		before := total
		var push []step
		for range 1 + rng.IntN(6) {
			coll := []string{"encounters", "persons"}[rng.IntN(2)]
			s := step{phone: ph, collection: coll, id: ids[coll][rng.IntN(6)], kind: syncproto.KindUpsert}
			switch r := rng.IntN(10); {
			case r < 5:
				s.fields = map[string]any{"category": "pengemis", "notes": fmt.Sprint("n", rng.IntN(5))}
				if coll == "encounters" {
					s.fields["lat"], s.fields["lon"] = 3.5+rng.Float64()/10, 98.6
					if rng.IntN(2) == 0 {
						s.fields["person_id"] = ids["persons"][rng.IntN(6)]
					}
				}
			case r < 7:
				s.fields = map[string]any{"notes": fmt.Sprint("edit", rng.IntN(5))}
			case r < 8:
				s.kind = syncproto.KindDelete
			case r < 9 && before > 0:
				if rng.IntN(4) == 0 {
					s.id, s.reuseOf = newID(), 1+rng.IntN(before)
				} else {
					s.resendOf = 1 + rng.IntN(before)
				}
			default:
				s.fields = map[string]any{"category": "gelandangan", "notes": "later"}
				if coll == "encounters" {
					s.fields["lat"], s.fields["lon"] = 3.6, 98.7
				}
				s.skew = 30 * time.Minute
			}
			push = append(push, s)
			total++
		}
		pushes = append(pushes, push)
	}
	return pushes
}

// Working out creates before the writer must change nothing a phone or
// the office can see: the same results and the same stored rows, in the
// same order, as the general path gives.
func TestFreshCreatesMatchTheGeneralPath(t *testing.T) {
	for seed := range uint64(12) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			clk := &testClock{}
			clk.ms.Store(time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC).UnixMilli())
			fast, general := newTwin(t, clk, false), newTwin(t, clk, true)
			var sentFast, sentGeneral []json.RawMessage
			planned := 0
			for n, push := range randomPushes(rand.New(rand.NewPCG(seed, 7))) {
				var rf, rg []json.RawMessage
				for _, s := range push {
					rf, rg = append(rf, fast.raw(s, sentFast)), append(rg, general.raw(s, sentGeneral))
				}
				sentFast, sentGeneral = append(sentFast, rf...), append(sentGeneral, rg...)
				ph := push[0].phone
				preps := make([]prepared, len(rf))
				for i := range rf {
					preps[i] = fast.db.prepare(rf[i], fast.phones[ph].p.DeviceID)
				}
				fast.db.planCreates(preps, fast.phones[ph].p, clk.now())
				for _, pc := range preps {
					if pc.fresh != nil {
						planned++
					}
				}
				got := fast.phones[ph].push(t, fast.db, rf...)
				want := general.phones[ph].push(t, general.db, rg...)
				for i := range got {
					g, w := got[i], want[i]
					g.OpID, w.OpID = "", ""
					for j := range g.Conflicts {
						g.Conflicts[j].ConflictID = ""
					}
					for j := range w.Conflicts {
						w.Conflicts[j].ConflictID = ""
					}
					gb, _ := json.Marshal(g)
					wb, _ := json.Marshal(w)
					if gs, ws := fast.names.Replace(string(gb)), general.names.Replace(string(wb)); gs != ws {
						t.Fatalf("push %d change %d: result %s, the general path gives %s", n, i, gs, ws)
					}
				}
				clk.advance(time.Second)
			}
			if planned == 0 {
				t.Fatal("no change was planned as a create")
			}
			if got, want := fast.opResults(t), general.opResults(t); !slices.Equal(got, want) {
				t.Fatalf("kept op answers\n %q\nthe general path keeps\n %q", got, want)
			}
			got, want := fast.rows(t), general.rows(t)
			if len(got) != len(want) {
				t.Fatalf("%d rows, the general path stores %d", len(got), len(want))
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("row %d:\n %s\nthe general path stores\n %s", i, got[i], want[i])
				}
			}
		})
	}
}
