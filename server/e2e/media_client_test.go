package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"urcsync/mobile-contract/client"
	"urcsync/mobile-contract/contracttest"
)

// clientPhotoFixture is the path of a photo under testdata/photos.
func clientPhotoFixture(name string) string {
	return filepath.Join("..", "..", "testdata", "photos", name)
}

// mediaContractClient checks every exchange against the contract.
func mediaContractClient(t *testing.T) *http.Client {
	return contracttest.Client(t, nil)
}

// phoneEncounter records an encounter near Medan on the phone.
func phoneEncounter(t *testing.T, phone *client.Client) string {
	t.Helper()
	id := newID()
	if _, err := phone.Upsert("encounters", id, encounterFields(nil)); err != nil {
		t.Fatal(err)
	}
	return id
}

func phoneAddPhoto(t *testing.T, phone *client.Client, encounter, fixture string) string {
	t.Helper()
	lat, lon := 3.5952, 98.6722
	taken := time.Now()
	id, err := phone.AddPhoto(encounter, clientPhotoFixture(fixture), client.PhotoMeta{TakenAt: &taken, Lat: &lat, Lon: &lon, Caption: fixture})
	if err != nil {
		t.Fatalf("AddPhoto %s: %v", fixture, err)
	}
	return id
}

// phoneMediaFields returns a media record of the phone's replica.
func phoneMediaFields(t *testing.T, phone *client.Client, id string) map[string]json.RawMessage {
	t.Helper()
	fields, deleted, found, err := phone.Record("media", id)
	if err != nil || !found || deleted {
		t.Fatalf("media %s: found %v deleted %v err %v", id, found, deleted, err)
	}
	return fields
}

func TestMediaPhotosStoredWithExifFlags(t *testing.T) {
	e := startServer(t)
	e.user("budi", "officer", "urc-1")
	phone := e.phone("budi", client.Options{HTTPClient: mediaContractClient(t)})
	ctx := context.Background()
	enc := phoneEncounter(t, phone)
	want := map[string]struct {
		lat, lon float64 // NaN: no EXIF position
		flags    string
	}{
		phoneAddPhoto(t, phone, enc, "medan.jpg"):    {3.5952, 98.6722, `[]`},
		phoneAddPhoto(t, phone, enc, "far_away.jpg"): {-6.2, 106.8166, `["location_mismatch"]`},
		phoneAddPhoto(t, phone, enc, "no_exif.jpg"):  {math.NaN(), math.NaN(), `["no_exif"]`},
	}
	if err := phone.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := phone.PendingPhotos(); err != nil || n != 0 {
		t.Fatalf("PendingPhotos = %d, %v after Sync", n, err)
	}
	if err := phone.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	for id, w := range want {
		f := phoneMediaFields(t, phone, id)
		if string(f["content_status"]) != `"stored"` {
			t.Errorf("%s (%s): content_status %s", id, f["caption"], f["content_status"])
		}
		if string(f["flags"]) != w.flags {
			t.Errorf("%s (%s): flags %s, want %s", id, f["caption"], f["flags"], w.flags)
		}
		var lat, lon *float64
		json.Unmarshal(f["exif_lat"], &lat)
		json.Unmarshal(f["exif_lon"], &lon)
		switch {
		case math.IsNaN(w.lat):
			if lat != nil || lon != nil {
				t.Errorf("%s (%s): exif position %s, %s; want none", id, f["caption"], f["exif_lat"], f["exif_lon"])
			}
		case lat == nil || lon == nil || math.Abs(*lat-w.lat) > 1e-5 || math.Abs(*lon-w.lon) > 1e-5:
			t.Errorf("%s (%s): exif position %s, %s; want %v, %v", id, f["caption"], f["exif_lat"], f["exif_lon"], w.lat, w.lon)
		}
	}
}

// cuttingProxy forwards to the server, except that the first PATCH it sees
// reaches the server with only its first cutAfter body bytes, after which
// both connections are dropped.
type cuttingProxy struct {
	t        *testing.T
	upstream *url.URL
	rp       *httputil.ReverseProxy
	cutAfter int64
	url      string

	mu      sync.Mutex
	cut     bool
	offsets []string // Upload-Offset of every PATCH
}

// newCuttingProxy starts a cutting proxy in front of target; its URL is
// in url.
func newCuttingProxy(t *testing.T, target string, cutAfter int64) *cuttingProxy {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &cuttingProxy{t: t, upstream: u, rp: httputil.NewSingleHostReverseProxy(u), cutAfter: cutAfter}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	p.url = srv.URL
	return p
}

func (p *cuttingProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPatch {
		p.mu.Lock()
		p.offsets = append(p.offsets, r.Header.Get("Upload-Offset"))
		first := !p.cut
		p.cut = true
		p.mu.Unlock()
		if first {
			p.cutPatch(w, r)
			return
		}
	}
	p.rp.ServeHTTP(w, r)
}

// cutPatch sends the request head and cutAfter body bytes to the server,
// half-closes, waits until the server has done with the connection, then
// drops the phone's connection without an answer.
func (p *cuttingProxy) cutPatch(w http.ResponseWriter, r *http.Request) {
	conn, err := net.Dial("tcp", p.upstream.Host)
	if err != nil {
		p.t.Errorf("proxy: %v", err)
		return
	}
	defer conn.Close()
	h := r.Header.Clone()
	for _, k := range []string{"Content-Length", "Transfer-Encoding", "Connection"} {
		h.Del(k)
	}
	var head bytes.Buffer
	fmt.Fprintf(&head, "%s %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\nConnection: close\r\n",
		r.Method, r.URL.RequestURI(), p.upstream.Host, r.ContentLength)
	h.Write(&head)
	head.WriteString("\r\n")
	if _, err := io.CopyN(&head, r.Body, p.cutAfter); err != nil {
		p.t.Errorf("proxy: reading the PATCH body: %v", err)
	}
	if _, err := conn.Write(head.Bytes()); err != nil {
		p.t.Errorf("proxy: %v", err)
	}
	conn.(*net.TCPConn).CloseWrite()
	conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	io.Copy(io.Discard, conn)
	phone, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		p.t.Errorf("proxy: hijack: %v", err)
		return
	}
	phone.Close()
}

func (p *cuttingProxy) patchOffsets() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.offsets...)
}

// downloadMedia fetches a media path with a token and returns status and body.
func downloadMedia(t *testing.T, e *env, token, path string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := mediaContractClient(t).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// TestMediaUploadResumesAfterCut uploads the 12-megapixel photo in 1 MiB
// chunks through a proxy that cuts the first PATCH after 300 000 bytes:
// the phone asks the server's offset and goes on from the bytes kept.
// The phone's token is its own; the original is checked as a supervisor
// of the team (originals are for the uploading device, the team's
// supervisors and admins).
func TestMediaUploadResumesAfterCut(t *testing.T) {
	e := startServer(t)
	e.user("budi", "officer", "urc-1")
	e.user("sari", "supervisor", "urc-1")
	const cutAfter = 300_000
	proxy := newCuttingProxy(t, e.srv.URL, cutAfter)

	phoneOpt := client.Options{HTTPClient: mediaContractClient(t), Backoff: 20 * time.Millisecond}
	phone, err := client.Open(filepath.Join(e.dir, "phone-cut.db"), proxy.url, phoneOpt)
	if err != nil {
		t.Fatal(err)
	}
	defer phone.Close()
	ctx := context.Background()
	if _, err := phone.Login(ctx, "budi", password, "HP budi"); err != nil {
		t.Fatal(err)
	}
	enc := phoneEncounter(t, phone)
	id := phoneAddPhoto(t, phone, enc, "big.jpg")
	if _, err := phone.Push(ctx); err != nil {
		t.Fatal(err)
	}
	rep, err := phone.UploadMedia(ctx)
	if err != nil || rep != (client.MediaReport{Uploaded: 1}) {
		t.Fatalf("UploadMedia = %+v, %v", rep, err)
	}
	offsets := proxy.patchOffsets()
	if len(offsets) < 2 || offsets[0] != "0" || offsets[1] != strconv.Itoa(cutAfter) {
		t.Errorf("PATCH offsets %v, want 0 then %d (the bytes kept from the cut)", offsets, cutAfter)
	}

	want, err := os.ReadFile(clientPhotoFixture("big.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	sari := e.login("sari")
	status, got := downloadMedia(t, e, sari.token, "/v1/media/"+id+"/content")
	if status != http.StatusOK || !bytes.Equal(got, want) {
		t.Fatalf("original: status %d, %d bytes equal %v; want 200 and the %d bytes of big.jpg", status, len(got), bytes.Equal(got, want), len(want))
	}
	other := e.login("budi")
	if status, _ := downloadMedia(t, e, other.token, "/v1/media/"+id+"/content"); status != http.StatusForbidden && status != http.StatusNotFound {
		t.Errorf("original for the same officer on another device: status %d, want it refused", status)
	}
	if _, err := phone.Pull(ctx); err != nil {
		t.Fatal(err)
	}
	if f := phoneMediaFields(t, phone, id); string(f["content_status"]) != `"stored"` {
		t.Errorf("content_status %s after the resumed upload", f["content_status"])
	}
}

func TestMediaPhotoWaitsForItsRecord(t *testing.T) {
	e := startServer(t)
	e.user("budi", "officer", "urc-1")
	phone := e.phone("budi", client.Options{HTTPClient: mediaContractClient(t)})
	ctx := context.Background()
	enc := phoneEncounter(t, phone)
	id := phoneAddPhoto(t, phone, enc, "medan.jpg")

	rep, err := phone.UploadMedia(ctx)
	if err != nil || rep != (client.MediaReport{Pending: 1}) {
		t.Fatalf("UploadMedia before Push = %+v, %v; want the photo pending", rep, err)
	}
	laptop := e.login("budi")
	if _, ok := laptop.pullAll()["media/"+id]; ok {
		t.Fatal("the server has the media record before any push")
	}
	if err := phone.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := phone.PendingPhotos(); err != nil || n != 0 {
		t.Fatalf("PendingPhotos = %d, %v after Sync", n, err)
	}
	if f := phoneMediaFields(t, phone, id); string(f["content_status"]) != `"stored"` || string(f["flags"]) != `[]` {
		t.Errorf("after Sync: content_status %s, flags %s", f["content_status"], f["flags"])
	}
}

// TestDeletedPhotoLeavesTheQueue: a photo whose media record is deleted
// before its bytes went up is no longer waited for.
func TestDeletedPhotoLeavesTheQueue(t *testing.T) {
	e := startServer(t)
	e.user("budi", "officer", "urc-1")
	phone := e.phone("budi", client.Options{HTTPClient: mediaContractClient(t)})
	enc := phoneEncounter(t, phone)
	photo := phoneAddPhoto(t, phone, enc, "medan.jpg")
	ctx := context.Background()
	if _, err := phone.Push(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := phone.Delete("media", photo); err != nil {
		t.Fatal(err)
	}
	if err := phone.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if err := phone.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := phone.PendingPhotos(); n != 0 {
		t.Fatalf("%d photos still waiting for a deleted record", n)
	}
}
