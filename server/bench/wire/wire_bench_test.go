package wire

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"urcsync/mobile-contract/client"
	"urcsync/server/bench/machine"
	"urcsync/server/serverproc"
)

const (
	password   = "rahasia-123"
	encounters = 500
)

// meter counts the bytes a client puts on the wire and reads off it
// (bodies as transferred, so compressed when gzip is on).
type meter struct {
	base     http.RoundTripper
	sent     atomic.Int64
	received atomic.Int64
}

func (m *meter) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.ContentLength > 0 {
		m.sent.Add(r.ContentLength)
	}
	resp, err := m.base.RoundTrip(r)
	if err == nil {
		resp.Body = &countingBody{ReadCloser: resp.Body, n: &m.received}
	}
	return resp, err
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (c *countingBody) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	c.n.Add(int64(n))
	return n, err
}

var (
	places     = []string{"Simpang Jalan Gatot Subroto dekat lampu merah", "Depan Pasar Petisah, sisi utara", "Lapangan Merdeka, bawah pohon", "Jalan Sisingamangaraja km 4", "Halte Jalan Ahmad Yani", "Terminal Amplas, pintu masuk", "Bawah jembatan Sungai Deli", "Pelataran Masjid Raya", "Stasiun Medan, parkiran", "Jalan Brigjend Katamso, depan toko"}
	names      = []string{"Ucok", "Butet", "Pak Tigor", "Ibu Rosmawati", "Andi", "Siti", "Pak Leman", "Dedi", "Rina", "tidak diketahui"}
	conditions = []string{"Kurus, tidak beralas kaki, tampak lelah", "Luka di kaki kiri, belum diobati", "Bicara tidak runtut, gelisah", "Sehat, meminta-minta di lampu merah", "Lanjut usia, sulit berjalan"}
	needs      = []string{"makanan, tempat tinggal sementara", "pengobatan luka", "rujukan ke RSJ", "kursi roda", "pendampingan keluarga"}
	categories = []string{"anak_jalanan", "pengemis", "gelandangan", "lansia_terlantar", "penyandang_disabilitas"}
	actions    = []string{"shelter", "medical_referral", "returned_to_family", "aid_given", "released_with_advice"}
)

// fields is an encounter as an officer records it, varied by rng.
func fields(rng *rand.Rand) map[string]any {
	pick := func(s []string) string { return s[rng.IntN(len(s))] }
	return map[string]any{
		"category": pick(categories), "lat": 3.55 + rng.Float64()*0.07, "lon": 98.64 + rng.Float64()*0.06, "accuracy_m": 3 + rng.IntN(30),
		"occurred_at":       time.Date(2026, 11, 20, 8+rng.IntN(10), rng.IntN(60), rng.IntN(60), 0, time.UTC).Format(time.RFC3339),
		"place_description": pick(places), "person_name": pick(names), "sex": []string{"male", "female", "unknown"}[rng.IntN(3)],
		"estimated_age": 5 + rng.IntN(80), "condition": pick(conditions), "needs": pick(needs), "action_taken": pick(actions),
	}
}

func BenchmarkWireCost(b *testing.B) {
	dir := b.TempDir()
	bin, err := serverproc.Build(dir)
	if err != nil {
		b.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	for _, u := range []string{"budi", "sari"} {
		if err := serverproc.AddUser(context.Background(), bin, data, u, password, "officer", "urc-1"); err != nil {
			b.Fatal(err)
		}
	}
	srv, err := serverproc.Start(bin, data)
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Stop()
	for _, gz := range []bool{false, true} {
		b.Run(fmt.Sprintf("gzip=%v", gz), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				up, down := &meter{base: http.DefaultTransport}, &meter{base: http.DefaultTransport}
				writer := open(b, srv.URL, dir, "budi", up, gz)
				reader := open(b, srv.URL, dir, "sari", down, gz)
				rng := rand.New(rand.NewPCG(7, uint64(i)))
				ctx := context.Background()
				if err := reader.Sync(ctx); err != nil {
					b.Fatal(err)
				}
				up.sent.Store(0)
				up.received.Store(0)
				down.sent.Store(0)
				down.received.Store(0)
				for range encounters {
					if _, err := writer.Upsert("encounters", uuid.Must(uuid.NewV7()).String(), fields(rng)); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := writer.Push(ctx); err != nil {
					b.Fatal(err)
				}
				if _, err := reader.Pull(ctx); err != nil {
					b.Fatal(err)
				}
				pushOut, pushIn := float64(up.sent.Load())/encounters, float64(up.received.Load())/encounters
				pullOut, pullIn := float64(down.sent.Load())/encounters, float64(down.received.Load())/encounters
				b.ReportMetric(pushOut+pushIn, "push_B/enc")
				b.ReportMetric(pullOut+pullIn, "pull_B/enc")
				b.Logf("gzip=%v: push %.0f B sent + %.0f B received per encounter; pull %.0f B sent + %.0f B received per encounter; machine: %s",
					gz, pushOut, pushIn, pullOut, pullIn, machine.Describe())
			}
		})
	}
}

func open(b *testing.B, url, dir, user string, m *meter, gz bool) *client.Client {
	c, err := client.Open(filepath.Join(dir, uuid.NewString()+".db"), url, client.Options{HTTPClient: &http.Client{Transport: m}, Gzip: gz, BatchSize: 500})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	if _, err := c.Login(context.Background(), user, password, "HP"); err != nil {
		b.Fatal(err)
	}
	return c
}
