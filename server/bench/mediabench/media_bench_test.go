package mediabench

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"urcsync/server/bench/machine"
	"urcsync/server/blob/s3/s3test"
	"urcsync/server/serverproc"
	"urcsync/syncproto"
)

const (
	uploads   = 20
	photoSize = 10 << 20
	password  = "rahasia-123"
)

// photo is one 10 MiB upload: a real JPEG head (so the server's content
// checks pass) followed by incompressible bytes, unique per upload.
type photo struct {
	body   []byte
	sha    string
	digest string
}

func makePhotos(b *testing.B) []photo {
	head, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", "photos", "big.jpg"))
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	out := make([]photo, uploads)
	for i := range out {
		body := make([]byte, photoSize)
		copy(body, head)
		for j := len(head); j < len(body); j += 8 {
			v := rng.Uint64()
			for k := 0; k < 8 && j+k < len(body); k++ {
				body[j+k] = byte(v >> (8 * k))
			}
		}
		sum := sha256.Sum256(body)
		out[i] = photo{body: body, sha: hex.EncodeToString(sum[:]), digest: "sha-256=:" + base64.StdEncoding.EncodeToString(sum[:]) + ":"}
	}
	return out
}

// device is a logged-in phone with the media record it will upload.
type device struct {
	token, id, media string
}

func call(url, method, token string, body any, out any) error {
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, url, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		msg, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("%s %s: %d %s", method, url, resp.StatusCode, msg)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

func setupDevices(b *testing.B, base string, photos []photo) []device {
	devs := make([]device, len(photos))
	for i, p := range photos {
		d := device{id: uuid.Must(uuid.NewV7()).String(), media: uuid.Must(uuid.NewV7()).String()}
		var lr syncproto.LoginResponse
		if err := call(base+"/v1/auth/login", "POST", "", syncproto.LoginRequest{Username: "budi", Password: password, DeviceID: d.id}, &lr); err != nil {
			b.Fatal(err)
		}
		d.token = lr.Token
		enc := uuid.Must(uuid.NewV7()).String()
		now := time.Now().UnixMilli()
		changes := []map[string]any{
			{"op_id": uuid.NewString(), "collection": "encounters", "id": enc, "kind": "upsert", "hlc": syncproto.HLC{Millis: now, Node: d.id}.String(),
				"fields": map[string]any{"category": "pengemis", "lat": 3.5952, "lon": 98.6722}},
			{"op_id": uuid.NewString(), "collection": "media", "id": d.media, "kind": "upsert", "hlc": syncproto.HLC{Millis: now, Counter: 1, Node: d.id}.String(),
				"fields": map[string]any{"encounter_id": enc, "sha256": p.sha, "size": len(p.body), "content_type": "image/jpeg"}},
		}
		var pr syncproto.PushResponse
		if err := call(base+"/v1/sync/push", "POST", d.token, map[string]any{"device_id": d.id, "changes": changes}, &pr); err != nil {
			b.Fatal(err)
		}
		devs[i] = d
	}
	return devs
}

// heapInuse reads the server's heap in use from its metrics.
func heapInuse(base string) float64 {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "go_memstats_heap_inuse_bytes "); ok {
			f, _ := strconv.ParseFloat(v, 64)
			return f
		}
	}
	return 0
}

func BenchmarkMediaUpload(b *testing.B) {
	cfg, stop, _ := s3test.StartVersity(b)
	defer stop()
	cfg.Bucket = "bench-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	dir := b.TempDir()
	bin, err := serverproc.Build(dir)
	if err != nil {
		b.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	if err := serverproc.AddUser(context.Background(), bin, data, "budi", password, "officer", "urc-1"); err != nil {
		b.Fatal(err)
	}
	srv, err := serverproc.Start(bin, data, "URC_S3_ENDPOINT="+cfg.Endpoint, "URC_S3_BUCKET="+cfg.Bucket,
		"URC_S3_ACCESS_KEY="+cfg.AccessKey, "URC_S3_SECRET_KEY="+cfg.SecretKey, "URC_S3_REGION="+cfg.Region)
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Stop()
	photos := makePhotos(b)
	direct, err := minio.New(cfg.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""), Region: cfg.Region})
	if err != nil {
		b.Fatal(err)
	}
	directBucket := cfg.Bucket + "-direct"
	if err := direct.MakeBucket(context.Background(), directBucket, minio.MakeBucketOptions{Region: cfg.Region}); err != nil {
		b.Fatal(err)
	}
	total := float64(uploads * photoSize)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		devs := setupDevices(b, srv.URL, photos)
		b.StartTimer()

		start := time.Now()
		parallel(uploads, func(k int) error {
			_, err := direct.PutObject(context.Background(), directBucket, fmt.Sprintf("run%d/%d", i, k), bytes.NewReader(photos[k].body),
				int64(len(photos[k].body)), minio.PutObjectOptions{ContentType: "image/jpeg"})
			return err
		}, b)
		directSecs := time.Since(start).Seconds()

		idleRSS := srv.RSS()
		_ = srv.ResetPeakRSS()
		idleHeap := heapInuse(srv.URL)
		var peakHeap float64
		done := make(chan struct{})
		var sampler sync.WaitGroup
		sampler.Add(1)
		go func() {
			defer sampler.Done()
			for {
				select {
				case <-done:
					return
				case <-time.After(20 * time.Millisecond):
					peakHeap = max(peakHeap, heapInuse(srv.URL))
				}
			}
		}()
		start = time.Now()
		parallel(uploads, func(k int) error {
			req, _ := http.NewRequest(http.MethodPut, srv.URL+"/v1/media/"+devs[k].media+"/content", bytes.NewReader(photos[k].body))
			req.Header.Set("Authorization", "Bearer "+devs[k].token)
			req.Header.Set("Content-Type", "image/jpeg")
			req.Header.Set("Content-Digest", photos[k].digest)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			io.Copy(io.Discard, resp.Body)
			if resp.StatusCode != http.StatusCreated {
				return fmt.Errorf("upload %d: %d", k, resp.StatusCode)
			}
			return nil
		}, b)
		serverSecs := time.Since(start).Seconds()
		close(done)
		sampler.Wait()
		peakRSS := srv.PeakRSS()

		directMBs := total / directSecs / (1 << 20)
		serverMBs := total / serverSecs / (1 << 20)
		b.ReportMetric(serverMBs, "server_MiB/s")
		b.ReportMetric(directMBs, "direct_MiB/s")
		b.ReportMetric(serverMBs/directMBs, "x_direct")
		b.ReportMetric(float64(peakRSS-idleRSS)/1024, "peak_RSS_above_idle_MiB")
		b.ReportMetric((peakHeap-idleHeap)/(1<<20), "peak_heap_above_idle_MiB")
		b.Logf("20 × 10 MiB: through the server %.1f MiB/s, straight to S3 %.1f MiB/s (%.2f×); server RSS idle %.1f MiB, peak %.1f MiB (+%.1f); heap in use idle %.1f MiB, peak sampled %.1f MiB; machine: %s",
			serverMBs, directMBs, serverMBs/directMBs, float64(idleRSS)/1024, float64(peakRSS)/1024, float64(peakRSS-idleRSS)/1024, idleHeap/(1<<20), peakHeap/(1<<20), machine.Describe())
	}
}

// parallel runs f for 0..n-1 at once and fails b on the first error.
func parallel(n int, f func(int) error, b *testing.B) {
	var wg sync.WaitGroup
	errs := make([]error, n)
	for k := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[k] = f(k)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			b.Fatal(err)
		}
	}
}
