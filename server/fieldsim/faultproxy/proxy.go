package faultproxy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// maxBody bounds what the proxy holds of one request or answer.
const maxBody = 64 << 20

// upstreamTimeout bounds one forwarded exchange.
const upstreamTimeout = 2 * time.Minute

// Proxy serves one phone.
type Proxy struct {
	phone    int
	upstream string
	link     Link
	rates    Rates
	ctl      *Controller
	obs      Observer

	rngMu sync.Mutex
	rng   *rand.Rand

	enabled   atomic.Bool
	transport *http.Transport
	srv       *http.Server
	ln        net.Listener
	// URL is the proxy's base URL, for the phone.
	URL string
}

// Options configure a proxy.
type Options struct {
	// Phone is the index of the phone, passed on in exchanges.
	Phone int
	// Upstream is the server's base URL (http://host:port).
	Upstream string
	// Seed feeds the proxy's random source.
	Seed  [2]uint64
	Link  Link
	Rates Rates
}

// Start listens on an ephemeral loopback port. Faults are off until
// SetFaults(true).
func Start(opt Options, ctl *Controller, obs Observer) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("faultproxy: listen: %w", err)
	}
	p := &Proxy{
		phone: opt.Phone, upstream: opt.Upstream, link: opt.Link, rates: opt.Rates, ctl: ctl, obs: obs,
		rng: rand.New(rand.NewPCG(opt.Seed[0], opt.Seed[1])),
		transport: &http.Transport{
			DisableCompression: true, MaxIdleConnsPerHost: 4, IdleConnTimeout: 30 * time.Second,
			DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		},
		ln: ln, URL: "http://" + ln.Addr().String(),
	}
	ctl.Track(p.transport)
	p.srv = &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
	go p.srv.Serve(ln)
	return p, nil
}

// SetFaults turns the link's latency, bandwidth cap and faults on or off.
func (p *Proxy) SetFaults(on bool) { p.enabled.Store(on) }

// Close stops the proxy.
func (p *Proxy) Close() error {
	p.transport.CloseIdleConnections()
	return p.srv.Close()
}

func (p *Proxy) decide() decision {
	on := p.enabled.Load()
	kill := on && p.ctl.takeArmed()
	p.rngMu.Lock()
	defer p.rngMu.Unlock()
	return decide(p.rng, p.rates, p.link, on, kill)
}

// ServeHTTP forwards one request, doing to it what the decision says.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		panic(http.ErrAbortHandler)
	}
	d := p.decide()
	p.ctl.count(d.kind)
	on := p.enabled.Load()
	ex := &Exchange{Phone: p.phone, Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(),
		ReqHeader: r.Header.Clone(), ReqBody: body, Fault: d.kind}
	if on {
		sleep(d.latency)
	}
	switch d.kind {
	case Drop:
		panic(http.ErrAbortHandler)
	case CutRequest:
		if len(body) == 0 {
			// A request without a body is cut in its headers: the
			// server never sees a whole request.
			panic(http.ErrAbortHandler)
		}
		cut := int(d.frac * float64(len(body)))
		p.forward(ex, r, body, cut)
		p.report(ex)
		panic(http.ErrAbortHandler)
	case Kill:
		p.forwardAndKill(ex, r, body, d.killAfter)
		panic(http.ErrAbortHandler)
	case Duplicate:
		p.relay(w, p.duplicate(ex, r, body, d.relaySecond), on, -1)
		return
	}
	if on {
		sleep(p.link.transfer(len(body)))
	}
	p.forward(ex, r, body, -1)
	p.report(ex)
	switch {
	case ex.Status == 0:
		panic(http.ErrAbortHandler)
	case d.kind == LostResponse:
		panic(http.ErrAbortHandler)
	case d.kind == CutResponse && len(ex.RespBody) > 0 && r.Method != http.MethodHead:
		p.relay(w, ex, on, int(d.frac*float64(len(ex.RespBody))))
		panic(http.ErrAbortHandler)
	case d.kind == CutResponse:
		panic(http.ErrAbortHandler)
	}
	p.relay(w, ex, on, -1)
}

func (p *Proxy) report(ex *Exchange) {
	if ex.Status != 0 {
		p.ctl.observe(Class(ex.Method, ex.Path), ex.Answered.Sub(ex.Sent))
		p.obs.Answered(ex)
		return
	}
	p.obs.Unanswered(ex)
}

// forward sends the request to the server and reads the whole answer into
// ex. With cut >= 0 only the first cut bytes of the body are sent, after
// which the connection is broken.
func (p *Proxy) forward(ex *Exchange, r *http.Request, body []byte, cut int) {
	ctx, cancel := context.WithTimeout(context.Background(), upstreamTimeout)
	defer cancel()
	var rd io.Reader = bytesReader(body)
	if cut >= 0 {
		rd = &cutReader{data: body[:cut]}
	}
	out, err := http.NewRequestWithContext(ctx, r.Method, p.upstream+r.URL.RequestURI(), rd)
	if err != nil {
		ex.Err = err
		return
	}
	copyHeader(out.Header, r.Header)
	out.ContentLength = int64(len(body))
	if len(body) == 0 {
		out.Body = http.NoBody
	}
	ex.Sent = time.Now()
	resp, err := p.transport.RoundTrip(out)
	if err != nil {
		ex.Err = err
		return
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil || len(data) > maxBody {
		ex.Err = errors.Join(errors.New("reading the answer"), err)
		return
	}
	ex.Status, ex.RespHeader, ex.RespBody, ex.Answered = resp.StatusCode, resp.Header.Clone(), data, time.Now()
}

// forwardAndKill forwards the request and kills the server killAfter
// later (or as soon as the answer is read, if that is sooner), then
// restarts it.
func (p *Proxy) forwardAndKill(ex *Exchange, r *http.Request, body []byte, killAfter time.Duration) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.forward(ex, r, body, -1)
	}()
	t := time.NewTimer(killAfter)
	select {
	case <-done:
	case <-t.C:
	}
	t.Stop()
	if err := p.ctl.KillRestart(); err != nil {
		ex.Err = errors.Join(ex.Err, err)
	}
	<-done
	p.report(ex)
}

// duplicate sends two copies at once, reports both answers in the order
// they arrive, and returns the one the phone gets.
func (p *Proxy) duplicate(ex *Exchange, r *http.Request, body []byte, second bool) *Exchange {
	copies := [2]*Exchange{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range copies {
		c := *ex
		copies[i] = &c
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.forward(copies[i], r, body, -1)
			mu.Lock()
			p.report(copies[i])
			mu.Unlock()
		}()
	}
	wg.Wait()
	pick, other := copies[0], copies[1]
	if second {
		pick, other = other, pick
	}
	if pick.Status == 0 {
		pick = other
	}
	return pick
}

// relay writes the server's answer to the phone, cut after limit bytes of
// body when limit >= 0.
func (p *Proxy) relay(w http.ResponseWriter, ex *Exchange, on bool, limit int) {
	if ex.Status == 0 {
		panic(http.ErrAbortHandler)
	}
	if on {
		sleep(p.link.transfer(len(ex.RespBody)))
	}
	h := w.Header()
	copyHeader(h, ex.RespHeader)
	noBody := ex.Status == http.StatusNoContent || ex.Status == http.StatusNotModified || ex.Method == http.MethodHead
	if !noBody {
		h.Set("Content-Length", strconv.Itoa(len(ex.RespBody)))
	}
	w.WriteHeader(ex.Status)
	if noBody {
		return
	}
	data := ex.RespBody
	if limit >= 0 && limit < len(data) {
		data = data[:limit]
	}
	w.Write(data)
	if limit >= 0 {
		http.NewResponseController(w).Flush()
	}
}

func sleep(d time.Duration) {
	if d > 0 {
		time.Sleep(d)
	}
}

// Enabled reports whether faults are on.
func (p *Proxy) Enabled() bool { return p.enabled.Load() }
