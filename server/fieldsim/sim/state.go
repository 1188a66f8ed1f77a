package sim

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"

	"urcsync/mobile-contract/client"
	"urcsync/server/blob/s3/s3test"
	"urcsync/server/fieldsim/faultproxy"
	"urcsync/server/fieldsim/ledger"
	"urcsync/server/fieldsim/office"
	"urcsync/server/serverproc"
)

// team is one URC team: its phones, its supervisor's session and every
// record its phones created.
type team struct {
	idx        int
	name       string
	phones     []*phone
	supervisor *office.Session
	records    []*rec
	// patrol is the patrol under way, if any.
	patrol *rec
	// focus are the cases the team follows up in the next patrol: every
	// officer may add to them, so their edits collide.
	focus []*rec
}

// phone is one officer's phone.
type phone struct {
	idx      int
	team     *team
	username string
	device   string
	c        *client.Client
	proxy    *faultproxy.Proxy
	link     faultproxy.Link
	// skew is how far the phone's clock is off.
	skew time.Duration
	// offlineUntil is the step until which the phone has no signal.
	offlineUntil int
}

// rec is a record a phone created.
type rec struct {
	coll, id string
	creator  int
	place    place
}

// photo is a photo a phone attached.
type photo struct {
	mediaID string
	file    string
	sha256  string
	size    int64
	phone   int
	// refused marks a file the server must refuse.
	refused bool
}

// fixture is a photo file with its digest.
type fixture struct {
	path   string
	sha256 string
	size   int64
}

// world is one running simulation.
type world struct {
	cfg  Config
	ctx  context.Context
	rng  *rand.Rand
	vals *values
	dir  string
	bin  string

	srv     *serverproc.Server
	ctl     *faultproxy.Controller
	led     *ledger.Ledger
	sampler *sampler
	admin   *office.Session
	// officeHTTP is the office sessions' client (no faults).
	officeHTTP *http.Client
	// gateway is the S3 gateway (nil with local storage); outages plans
	// and follows its outages, watch what they did to the phones;
	// storageErr is the first failure to bring the gateway back.
	gateway    *s3test.Gateway
	outages    *outages
	watch      *storageWatch
	storageErr error

	teams    []*team
	phones   []*phone
	photos   []*photo
	fixtures map[string]fixture
	// intended maps op_ids of deliberately invalid changes to the error
	// code the server must answer.
	intended map[string]string

	step     int
	killMu   sync.Mutex
	stats    runStats
	progress *progress
}

// runStats counts what the simulation did.
type runStats struct {
	actions       map[string]int
	syncs         int
	syncFailures  int
	recoveries    int
	killsBetween  int
	killsInFlight int
	restartTimes  []time.Duration
	offline       int
	notes         []string
}

// newUUID draws a random (version 4) UUID from the seeded source, so
// record ids repeat with the seed.
func newUUID(r *rand.Rand) string {
	var b uuid.UUID
	for i := 0; i < 16; i += 8 {
		v := r.Uint64()
		for j := range 8 {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return b.String()
}

func (w *world) logf(format string, args ...any) {
	if w.cfg.Log != nil {
		w.progress.clear()
		fmt.Fprintf(w.cfg.Log, "[%5d] "+format+"\n", append([]any{w.step}, args...)...)
	}
}

// note keeps an unexpected event for the report.
func (w *world) note(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if len(w.stats.notes) < 50 {
		w.stats.notes = append(w.stats.notes, msg)
	}
	w.logf("%s", msg)
}
