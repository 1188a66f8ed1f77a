package bench

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/google/uuid"
	"github.com/klauspost/compress/gzip"
	_ "modernc.org/sqlite" // the driver of both the store and the baselines

	contract "urcsync/mobile-contract"
	"urcsync/server/admit"
	"urcsync/server/api"
	"urcsync/server/auth"
	"urcsync/server/bench/machine"
	"urcsync/server/core"
	"urcsync/server/schema"
	"urcsync/server/sqlite"
	"urcsync/syncproto"
)

const (
	// password is every benchmark user's password.
	password = "bench-password-123"
	// collection is the collection every benchmark change writes.
	collection = "encounters"
)

// quiet discards log lines, so that logging does not dominate the figures.
var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// loadSchemas compiles the collection schemas once for the whole package.
var loadSchemas = sync.OnceValues(func() (*schema.Registry, error) { return schema.Load(contract.FS) })

// server is the real handler over a store in one file, served in-process.
type server struct {
	db     *sqlite.DB
	ts     *httptest.Server
	client *http.Client
	writes commitStats
}

// commitStats counts the store's group commits: how many, how many jobs
// they carried and how long the writer spent on them.
type commitStats struct {
	commits atomic.Int64
	jobs    atomic.Int64
	busy    atomic.Int64 // nanoseconds
}

func (c *commitStats) observe(jobs int, d time.Duration) {
	c.commits.Add(1)
	c.jobs.Add(int64(jobs))
	c.busy.Add(int64(d))
}

func (c *commitStats) reset() {
	c.commits.Store(0)
	c.jobs.Store(0)
	c.busy.Store(0)
}

// startServer opens a store at path and serves the API over it.
func startServer(path string) (*server, error) {
	reg, err := loadSchemas()
	if err != nil {
		return nil, err
	}
	s := &server{}
	gate := admit.ForCPUs()
	db, err := sqlite.Open(context.Background(), path, sqlite.Options{
		Schemas: reg, Hasher: auth.NewHasher(4), Logger: quiet, OnCommit: s.writes.observe, Gate: gate,
	})
	if err != nil {
		return nil, err
	}
	h, err := api.New(api.Config{
		Sync: db, Accounts: db, Office: db,
		Checks:  map[string]core.Checker{"database": db},
		OpenAPI: contract.OpenAPI(),
		Gate:    gate,
		Logger:  quiet,
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = 256
	tr.MaxIdleConnsPerHost = 256
	tr.DisableCompression = true // open asks for gzip and undoes it, as phones do
	s.db, s.ts, s.client = db, httptest.NewServer(h), &http.Client{Transport: tr}
	return s, nil
}

// close stops serving and closes the store.
func (s *server) close() error {
	s.client.CloseIdleConnections()
	s.ts.Close()
	return s.db.Close()
}

// account is a user with a logged-in device.
type account struct {
	username string
	team     string
	deviceID string
	token    string
	user     syncproto.User
}

// addAccount creates an officer of team (if not there yet) and logs a
// device in over HTTP.
func (s *server) addAccount(username, team, deviceID string) (*account, error) {
	ctx := context.Background()
	if _, err := s.db.AddUser(ctx, core.NewUser{Username: username, Password: password, Role: syncproto.RoleOfficer, TeamID: team}); err != nil &&
		core.ErrorCode(err) != syncproto.CodeUsernameTaken {
		return nil, err
	}
	body, _ := json.Marshal(syncproto.LoginRequest{Username: username, Password: password, DeviceID: deviceID, DeviceName: "bench " + username})
	var resp syncproto.LoginResponse
	if err := s.call(http.MethodPost, "/v1/auth/login", "", body, &resp); err != nil {
		return nil, fmt.Errorf("login %s: %w", username, err)
	}
	return &account{username: username, team: team, deviceID: deviceID, token: resp.Token, user: resp.User}, nil
}

// call does one JSON exchange and decodes a 200 answer into out.
func (s *server) call(method, path, token string, body []byte, out any) error {
	data, err := s.exchange(method, path, token, body)
	if err != nil {
		return err
	}
	return jsonv2.Unmarshal(data, out)
}

// exchange does one request and returns a 200 answer's body as sent.
func (s *server) exchange(method, path, token string, body []byte) ([]byte, error) {
	resp, err := s.open(method, path, token, body)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// open sends one request and returns a 200 answer, its body unread.
func (s *server) open(method, path, token string, body []byte) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, s.ts.URL+path, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return nil, fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, msg)
	}
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			resp.Body.Close()
			return nil, err
		}
		resp.Body = struct {
			io.Reader
			io.Closer
		}{zr, resp.Body}
	}
	return resp, nil
}

// row is one change or record as the baselines store it: what the store
// keeps of it, without the merge state.
type row struct {
	collection string
	id         string
	team       string
	hlc        string
	doc        string
}

// encounterOf returns the fields of the n-th encounter a device makes:
// the three required fields and 0 to 3 of the optional patrol_id (which
// the server looks up), occurred_at, sex and estimated_age, in turn.
func encounterOf(rng *rand.Rand, n int, patrol string, at time.Time) map[string]json.RawMessage {
	categories := [...]string{"anak_jalanan", "gelandangan", "pengemis", "pemulung", "lansia_terlantar", "penyandang_disabilitas"}
	sexes := [...]string{"male", "female", "unknown"}
	f := map[string]any{
		"category": categories[rng.IntN(len(categories))],
		"lat":      float64(int64((3.50+rng.Float64()*0.2)*1e6)) / 1e6,
		"lon":      float64(int64((98.60+rng.Float64()*0.2)*1e6)) / 1e6,
	}
	extra := []func(){
		func() { f["patrol_id"] = patrol },
		func() { f["occurred_at"] = at.UTC().Format("2006-01-02T15:04:05.000Z") },
		func() { f["sex"] = sexes[rng.IntN(len(sexes))] },
		func() { f["estimated_age"] = 5 + rng.IntN(80) },
	}
	for i := range n % 4 {
		extra[(n/4+i)%len(extra)]()
	}
	out := make(map[string]json.RawMessage, len(f))
	for k, v := range f {
		out[k], _ = json.Marshal(v)
	}
	return out
}

// batch is one push request body with the baseline rows of its changes.
type batch struct {
	body []byte
	rows []row
}

// phone builds a device's pushes: new encounters, stamped by the device's
// own clock, with UUID v7 ids.
type phone struct {
	deviceID string
	team     string
	clk      *syncproto.Clock
	rng      *rand.Rand
	patrol   string
	made     int
}

func newPhone(deviceID, team string, seed uint64) *phone {
	return &phone{
		deviceID: deviceID, team: team,
		clk:    syncproto.NewClock(deviceID, syncproto.HLC{}, nil),
		rng:    rand.New(rand.NewPCG(seed, 0x5eed)),
		patrol: newID(),
	}
}

// batch builds the body of one push of size new-encounter upserts.
func (ph *phone) batch(size int) batch {
	changes := make([]syncproto.Change, size)
	rows := make([]row, size)
	now := time.Now()
	for i := range changes {
		fields := encounterOf(ph.rng, ph.made, ph.patrol, now)
		ph.made++
		ch := syncproto.Change{
			OpID: newID(), Collection: collection, ID: newID(), Kind: syncproto.KindUpsert,
			Fields: fields, HLC: ph.clk.Now().String(),
		}
		changes[i] = ch
		doc, _ := json.Marshal(fields)
		rows[i] = row{collection: collection, id: ch.ID, team: ph.team, hlc: ch.HLC, doc: string(doc)}
	}
	body, err := json.Marshal(syncproto.PushRequest{DeviceID: ph.deviceID, SentAt: now.UTC().Format(time.RFC3339Nano), Changes: changes})
	if err != nil {
		panic(err)
	}
	return batch{body: body, rows: rows}
}

// mixedBatch builds the body of one push: fresh new-encounter upserts
// followed by one edit (sex and estimated age) of each record in edits.
func (ph *phone) mixedBatch(fresh int, edits []string) []byte {
	bt := ph.batch(fresh)
	var req syncproto.PushRequest
	if err := json.Unmarshal(bt.body, &req); err != nil {
		panic(err)
	}
	sexes := [...]string{"male", "female", "unknown"}
	for _, id := range edits {
		req.Changes = append(req.Changes, syncproto.Change{
			OpID: newID(), Collection: collection, ID: id, Kind: syncproto.KindUpsert, HLC: ph.clk.Now().String(),
			Fields: map[string]json.RawMessage{
				"sex":           json.RawMessage(`"` + sexes[ph.rng.IntN(len(sexes))] + `"`),
				"estimated_age": json.RawMessage(fmt.Sprint(5 + ph.rng.IntN(80))),
			},
		})
	}
	body, err := json.Marshal(req)
	if err != nil {
		panic(err)
	}
	return body
}

// push sends one prebuilt body and checks that every change was applied.
func (s *server) push(a *account, body []byte, want int) error {
	var resp syncproto.PushResponse
	if err := s.call(http.MethodPost, "/v1/sync/push", a.token, body, &resp); err != nil {
		return err
	}
	if len(resp.Results) != want {
		return fmt.Errorf("%d results for %d changes", len(resp.Results), want)
	}
	for _, r := range resp.Results {
		if r.Status != syncproto.StatusApplied {
			return fmt.Errorf("change %s: %s %+v", r.OpID, r.Status, r.Error)
		}
	}
	return nil
}

// loader pushes new encounters of one team straight into the store,
// without HTTP, to fill it.
type loader struct {
	srv  *server
	p    core.Principal
	user string
	ph   *phone
}

func newLoader(srv *server, username, team string, seed uint64) (*loader, error) {
	acc, err := srv.addAccount(username, team, newID())
	if err != nil {
		return nil, err
	}
	p, err := srv.db.Authenticate(context.Background(), acc.token)
	if err != nil {
		return nil, err
	}
	return &loader{srv: srv, p: p, user: acc.user.ID, ph: newPhone(acc.deviceID, team, seed)}, nil
}

// push stores n new encounters, checks every one was applied, and returns
// their baseline rows.
func (l *loader) push(n int) ([]row, error) {
	bt := l.ph.batch(n)
	var env struct {
		DeviceID string            `json:"device_id"`
		SentAt   string            `json:"sent_at"`
		Changes  []json.RawMessage `json:"changes"`
	}
	if err := json.Unmarshal(bt.body, &env); err != nil {
		return nil, err
	}
	resp, err := l.srv.db.Push(context.Background(), l.p, core.PushBatch{DeviceID: env.DeviceID, SentAt: env.SentAt, Changes: env.Changes})
	if err != nil {
		return nil, err
	}
	if len(resp.Results) != len(bt.rows) {
		return nil, fmt.Errorf("load: %d results for %d changes", len(resp.Results), len(bt.rows))
	}
	for _, r := range resp.Results {
		if r.Status != syncproto.StatusApplied {
			return nil, fmt.Errorf("load: change %s: %s %+v", r.OpID, r.Status, r.Error)
		}
	}
	return bt.rows, nil
}

// pushAll has every account push its bodies at the same time as the
// others, one after the other as a phone does, and returns the first
// failure.
func (s *server) pushAll(accounts []*account, bodies [][][]byte, size int) error {
	errs := make(chan error, len(accounts))
	var wg sync.WaitGroup
	for d := range accounts {
		wg.Go(func() {
			for _, body := range bodies[d] {
				if err := s.push(accounts[d], body, size); err != nil {
					errs <- fmt.Errorf("device %d: %w", d, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// pullAll follows the cursor from the beginning to the end, decoding every
// page as a phone does, and returns the records and pages it got. It asks
// for the next page as soon as a page's position has arrived, and takes
// in and decodes the records while that request is served.
func (s *server) pullAll(a *account, limit int) (records, pages int, err error) {
	// fetch sends a page's position as soon as it has arrived, then the
	// whole page.
	fetch := func(cursor string) <-chan fetchedPage {
		ch := make(chan fetchedPage, 2)
		go func() {
			path := fmt.Sprintf("/v1/sync/pull?limit=%d&cursor=%s", limit, url.QueryEscape(cursor))
			resp, err := s.open(http.MethodGet, path, a.token, nil)
			if err != nil {
				ch <- fetchedPage{err: err}
				return
			}
			defer resp.Body.Close()
			buf := pageBuffers.Get().(*bytes.Buffer)
			buf.Reset()
			head, ok := syncproto.ReadPullHead(io.TeeReader(resp.Body, buf))
			ch <- fetchedPage{head: head, headOK: ok}
			_, err = buf.ReadFrom(resp.Body)
			ch <- fetchedPage{body: buf, err: err}
		}()
		return ch
	}
	this := fetch("")
	for {
		h := <-this
		if h.err != nil {
			return records, pages, h.err
		}
		var next <-chan fetchedPage
		if h.headOK && h.head.HasMore {
			next = fetch(h.head.Cursor)
		}
		pg := <-this
		if pg.err != nil {
			return records, pages, pg.err
		}
		var resp syncproto.PullResponse
		err := jsonv2.Unmarshal(pg.body.Bytes(), &resp)
		pageBuffers.Put(pg.body)
		if err != nil {
			return records, pages, err
		}
		records += len(resp.Changes)
		pages++
		if !resp.HasMore {
			return records, pages, nil
		}
		if next == nil || h.head.Cursor != resp.Cursor {
			next = fetch(resp.Cursor)
		}
		this = next
	}
}

// fetchedPage is, first, a pull page's position as soon as it arrived,
// then the page as received; or why not.
type fetchedPage struct {
	head   syncproto.PullHead
	headOK bool
	body   *bytes.Buffer
	err    error
}

// pageBuffers recycles the phone's page buffers, as a phone would keep
// one or two.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// serverPullAll follows the cursor from the beginning to the end as
// pullAll does, but calls the server's handler in this process with a
// recorder instead of a connection, and times only the handler: the
// server's own work per page (authentication, the read, the encoding and
// gzip), without the network or the phone's decoding. Each page is
// decoded afterwards, untimed, to follow the cursor and count records.
func (s *server) serverPullAll(a *account, limit int) (records, pages int, inHandler time.Duration, err error) {
	h := s.ts.Config.Handler
	cursor := ""
	for {
		req := httptest.NewRequest(http.MethodGet, fmt.Sprintf("/v1/sync/pull?limit=%d&cursor=%s", limit, url.QueryEscape(cursor)), nil)
		req.Header.Set("Authorization", "Bearer "+a.token)
		req.Header.Set("Accept-Encoding", "gzip")
		rec := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(memoryWriter{rec}, req)
		inHandler += time.Since(start)
		if rec.Code != http.StatusOK {
			return records, pages, inHandler, fmt.Errorf("pull: %d %s", rec.Code, rec.Body.String())
		}
		zr, err := gzip.NewReader(rec.Body)
		if err != nil {
			return records, pages, inHandler, err
		}
		data, err := io.ReadAll(zr)
		if err != nil {
			return records, pages, inHandler, err
		}
		var resp syncproto.PullResponse
		if err := jsonv2.Unmarshal(data, &resp); err != nil {
			return records, pages, inHandler, err
		}
		records += len(resp.Changes)
		pages++
		cursor = resp.Cursor
		if !resp.HasMore {
			return records, pages, inHandler, nil
		}
	}
}

// memoryWriter is a recorder that, like a connection, takes a write
// deadline: its writes go to memory and never wait, so any deadline holds.
type memoryWriter struct{ *httptest.ResponseRecorder }

func (memoryWriter) SetWriteDeadline(time.Time) error { return nil }

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// rawSchema is the baselines' table: the columns of a record that a pull
// reads, with the same keys and indexes as the store's records table.
const rawSchema = `CREATE TABLE IF NOT EXISTS rows (
    seq        INTEGER PRIMARY KEY,
    collection TEXT NOT NULL,
    id         TEXT NOT NULL,
    team_id    TEXT NOT NULL,
    hlc        TEXT NOT NULL,
    doc        TEXT NOT NULL,
    UNIQUE (collection, id)
)`

const rawIndex = `CREATE INDEX IF NOT EXISTS rows_team_seq ON rows (team_id, seq)`

// Page caches of the store's connections, which the baselines get too.
const (
	writerCacheKiB = 65536
	readerCacheKiB = 16384
)

// openRaw opens a baseline file with the store's pragmas (WAL,
// synchronous=FULL, busy_timeout, the page cache of the store's writer or
// of one of its readers) on one connection, creating its table when new.
func openRaw(path string, cacheKiB int) (*sql.DB, error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", fmt.Sprintf("cache_size(-%d)", cacheKiB))
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	for _, stmt := range []string{rawSchema, rawIndex} {
		if _, err := db.Exec(stmt); err != nil {
			db.Close()
			return nil, err
		}
	}
	return db, nil
}

// insertRaw writes rows with plain INSERTs, size rows per transaction.
func insertRaw(db *sql.DB, rows []row, size int) error {
	for start := 0; start < len(rows); start += size {
		tx, err := db.Begin()
		if err != nil {
			return err
		}
		st, err := tx.Prepare(`INSERT INTO rows (collection, id, team_id, hlc, doc) VALUES (?, ?, ?, ?, ?)`)
		if err != nil {
			tx.Rollback()
			return err
		}
		for _, r := range rows[start:min(start+size, len(rows))] {
			if _, err := st.Exec(r.collection, r.id, r.team, r.hlc, r.doc); err != nil {
				tx.Rollback()
				return err
			}
		}
		st.Close()
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// scanRaw reads a team's rows in seq order, limit per query, the way a
// pull pages through the records table, and returns how many it read.
func scanRaw(db *sql.DB, team string, limit int) (int, error) {
	var after int64
	n := 0
	for {
		rows, err := db.Query(`SELECT seq, collection, id, hlc, doc FROM rows WHERE team_id = ? AND seq > ? ORDER BY seq LIMIT ?`, team, after, limit)
		if err != nil {
			return n, err
		}
		got := 0
		for rows.Next() {
			var coll, id, hlc, doc string
			if err := rows.Scan(&after, &coll, &id, &hlc, &doc); err != nil {
				rows.Close()
				return n, err
			}
			got++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return n, err
		}
		n += got
		if got < limit {
			return n, nil
		}
	}
}

// result is one benchmark's figures from its last run.
type result struct {
	name    string
	items   int
	unit    string
	rate    float64
	rawUnit string
	rawRate float64
	ops     float64
	opsUnit string
	aim     float64
}

var (
	resultsMu sync.Mutex
	results   = map[string]result{}
	order     []string
)

// record keeps a benchmark's latest figures for the closing table.
func record(r result) {
	resultsMu.Lock()
	defer resultsMu.Unlock()
	if _, ok := results[r.name]; !ok {
		order = append(order, r.name)
	}
	results[r.name] = r
}

// printTable writes the figures of every benchmark that ran.
func printTable(w io.Writer) {
	resultsMu.Lock()
	defer resultsMu.Unlock()
	if len(order) == 0 {
		return
	}
	fmt.Fprintln(w, "\nsync-core figures, last run of each benchmark (ratio = measured / baseline of the same run):")
	fmt.Fprintln(w, "machine:", machine.Describe())
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "benchmark\titems\tmeasured\t\tbaseline\t\tratio\taim\t\trequests")
	for _, name := range order {
		r := results[name]
		ratio := r.rate / r.rawRate
		verdict := "met"
		if ratio < r.aim {
			verdict = "NOT met"
		}
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%s\t%.0f\t%s\t%.3f\t>= %.2f\t%s\t%.1f %s\n",
			r.name, r.items, r.rate, r.unit, r.rawRate, r.rawUnit, ratio, r.aim, verdict, r.ops, r.opsUnit)
	}
	tw.Flush()
}

// pullFix is the store with 100,000 records shared by every run of
// BenchmarkColdPull, and the baseline file of equivalent rows.
type pullFix struct {
	dir     string
	srv     *server
	reader  *account
	raw     *sql.DB
	team    string
	records int
	loaded  time.Duration
}

var (
	pullOnce sync.Once
	pullFx   *pullFix
	pullErr  error
)

// closeFixtures releases what the shared fixtures hold.
func closeFixtures() {
	if pullFx == nil {
		return
	}
	if pullFx.srv != nil {
		pullFx.srv.close()
	}
	if pullFx.raw != nil {
		pullFx.raw.Close()
	}
	os.RemoveAll(pullFx.dir)
}

// median returns the middle of the durations (the mean of the middle two
// for an even count).
func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
