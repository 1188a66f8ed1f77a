package sim

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"urcsync/mobile-contract/client"
	"urcsync/server/fieldsim/faultproxy"
	"urcsync/server/fieldsim/ledger"
	"urcsync/server/fieldsim/office"
	"urcsync/server/serverproc"
	"urcsync/syncproto"
)

// Links a phone may have: good 4G in the centre, 3G, and a weak edge of
// coverage. Latencies are kept small so that CI runs stay short; the
// bandwidth caps make photo uploads take many round trips' worth of time.
var links = []faultproxy.Link{
	{Name: "4g", Latency: 1 * time.Millisecond, Jitter: 4 * time.Millisecond},
	{Name: "3g", Latency: 8 * time.Millisecond, Jitter: 20 * time.Millisecond, Bandwidth: 384 << 10},
	{Name: "edge", Latency: 15 * time.Millisecond, Jitter: 40 * time.Millisecond, Bandwidth: 96 << 10},
}

// setup builds and starts the server, creates the users, and opens the
// phones behind their proxies.
func (w *world) setup() error {
	if err := w.loadFixtures(); err != nil {
		return err
	}
	if w.bin == "" {
		bin, err := serverproc.Build(w.dir)
		if err != nil {
			return err
		}
		w.bin = bin
	}
	data := filepath.Join(w.dir, "server-data")
	if err := w.addUsers(data); err != nil {
		return err
	}
	env, err := w.startStorage()
	if err != nil {
		return err
	}
	srv, err := serverproc.Start(w.bin, data, append(env, "URC_BCRYPT_COST=4")...)
	if err != nil {
		return err
	}
	w.srv = srv
	w.sampler = newSampler(w.bin, data)
	w.sampler.attach()
	w.ctl = faultproxy.NewController(w.killRestart)
	tr := &http.Transport{MaxIdleConnsPerHost: 4}
	w.ctl.Track(tr)
	w.officeHTTP = &http.Client{Timeout: time.Minute, Transport: tr}

	w.planPhones()
	phones := make([]ledger.Phone, len(w.phones))
	for i, p := range w.phones {
		phones[i] = ledger.Phone{Index: i, DeviceID: p.device, Username: p.username, Team: p.team.name}
	}
	w.led = ledger.New(phones)
	if w.gateway != nil {
		w.watch = newStorageWatch(w.led)
	}
	for _, p := range w.phones {
		if err := w.openPhone(p); err != nil {
			return err
		}
	}
	return w.openOffice()
}

// killRestart is what the fault controller calls to crash the server.
func (w *world) killRestart() error {
	w.sampler.sample()
	start := time.Now()
	w.srv.Kill()
	err := w.srv.Restart()
	w.killMu.Lock()
	w.stats.restartTimes = append(w.stats.restartTimes, time.Since(start))
	w.killMu.Unlock()
	w.sampler.attach()
	return err
}

func (w *world) loadFixtures() error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	w.fixtures = map[string]fixture{}
	for _, name := range append(append([]string(nil), photoFiles...), bigFile, refusedFile) {
		path := filepath.Join(root, "testdata", "photos", name)
		b, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("photo fixture: %w", err)
		}
		sum := sha256.Sum256(b)
		w.fixtures[name] = fixture{path: path, sha256: hex.EncodeToString(sum[:]), size: int64(len(b))}
	}
	return nil
}

// moduleRoot finds the directory of the module's go.mod, from the working
// directory upwards.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the working directory")
		}
		dir = parent
	}
}

func (w *world) addUsers(data string) error {
	add := func(name, role, team string) error {
		ctx, cancel := context.WithTimeout(w.ctx, time.Minute)
		defer cancel()
		return serverproc.AddUser(ctx, w.bin, data, name, password, role, team)
	}
	if err := add(adminName(), syncproto.RoleAdmin, "kantor"); err != nil {
		return err
	}
	for t := range w.cfg.Teams {
		if err := add(supervisorName(t), syncproto.RoleSupervisor, teamName(t)); err != nil {
			return err
		}
		for i := range w.cfg.Phones {
			if err := add(officerName(t, i), syncproto.RoleOfficer, teamName(t)); err != nil {
				return err
			}
		}
	}
	return nil
}

// planPhones draws every phone's device id, clock skew and link. At least
// one phone runs hours ahead and one hours behind when there are three or
// more.
func (w *world) planPhones() {
	for t := range w.cfg.Teams {
		tm := &team{idx: t, name: teamName(t)}
		w.teams = append(w.teams, tm)
		for i := range w.cfg.Phones {
			p := &phone{idx: len(w.phones), team: tm, username: officerName(t, i), device: newUUID(w.rng)}
			switch u := w.rng.Float64(); {
			case u < 0.15:
				p.skew = time.Duration(1+w.rng.IntN(5)) * time.Hour
			case u < 0.30:
				p.skew = -time.Duration(1+w.rng.IntN(4)) * time.Hour
			default:
				p.skew = time.Duration(w.rng.IntN(4000)-2000) * time.Millisecond
			}
			p.link = links[w.rng.IntN(len(links))]
			tm.phones = append(tm.phones, p)
			w.phones = append(w.phones, p)
		}
	}
	if n := len(w.phones); n >= 3 {
		w.phones[n-1].skew = 3 * time.Hour
		w.phones[n/2-1].skew = -2 * time.Hour
	}
}

// openPhone starts the phone's proxy, opens its client and logs it in
// (faults off for the login).
func (w *world) openPhone(p *phone) error {
	var obs faultproxy.Observer = w.led
	if w.watch != nil {
		obs = w.watch
	}
	px, err := faultproxy.Start(faultproxy.Options{Phone: p.idx, Upstream: w.srv.URL,
		Seed: [2]uint64{w.cfg.Seed, 1000 + uint64(p.idx)}, Link: p.link, Rates: w.cfg.Rates}, w.ctl, obs)
	if err != nil {
		return err
	}
	p.proxy = px
	skew := p.skew
	c, err := client.Open(filepath.Join(w.dir, "phones", p.username+".db"), px.URL, client.Options{
		HTTPClient:  &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 2}},
		Now:         func() time.Time { return time.Now().Add(skew) },
		MaxAttempts: 8, Backoff: 10 * time.Millisecond, BatchSize: 40, DeviceID: p.device,
		Gzip: p.idx%2 == 1, ChunkSize: 16 << 10,
	})
	if err != nil {
		return err
	}
	p.c = c
	if err := w.login(p); err != nil {
		return err
	}
	p.proxy.SetFaults(w.cfg.Faults)
	return nil
}

func (w *world) login(p *phone) error {
	on := p.proxy.Enabled()
	p.proxy.SetFaults(false)
	defer p.proxy.SetFaults(on)
	if _, err := p.c.Login(w.ctx, p.username, password, "HP "+p.username); err != nil {
		return fmt.Errorf("login %s: %w", p.username, err)
	}
	return nil
}

func (w *world) openOffice() error {
	dev := func() string { return newUUID(w.rng) }
	var err error
	if w.admin, err = office.Login(w.ctx, w.officeHTTP, w.srv.URL, adminName(), password, dev()); err != nil {
		return err
	}
	for _, t := range w.teams {
		if t.supervisor, err = office.Login(w.ctx, w.officeHTTP, w.srv.URL, supervisorName(t.idx), password, dev()); err != nil {
			return err
		}
	}
	return nil
}

// close stops the proxies, the phones, the server and the S3 gateway.
func (w *world) close() {
	for _, p := range w.phones {
		if p.proxy != nil {
			p.proxy.Close()
		}
		if p.c != nil {
			p.c.Close()
		}
	}
	if w.sampler != nil {
		w.sampler.close()
	}
	if w.srv != nil {
		w.srv.Stop()
	}
	if w.gateway != nil {
		w.gateway.Close()
	}
}
