package sqlite

import (
	"context"
	"encoding/json"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"urcsync/server/core"
	"urcsync/syncproto"
)

// TestGroupCommitSharesTransactions pushes from many devices at once and
// checks that commits carried several pushes each, and that every
// acknowledged change is there.
func TestGroupCommitSharesTransactions(t *testing.T) {
	var maxJobs, commits atomic.Int64
	db, _ := mustOpen(t, Options{OnCommit: func(jobs int, _ time.Duration) {
		commits.Add(1)
		for {
			cur := maxJobs.Load()
			if int64(jobs) <= cur || maxJobs.CompareAndSwap(cur, int64(jobs)) {
				break
			}
		}
	}})
	const devices, pushes = 20, 10
	phones := make([]*phone, devices)
	for i := range phones {
		phones[i] = mustPhone(t, db, "budi", syncproto.RoleOfficer, "urc-1")
	}
	commits.Store(0)
	var wg sync.WaitGroup
	var applied atomic.Int64
	for _, ph := range phones {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range pushes {
				resp, err := db.Push(context.Background(), ph.p, core.PushBatch{DeviceID: ph.p.DeviceID,
					Changes: []json.RawMessage{ph.change("encounters", newID(), "upsert", encounter(nil), "")}})
				if err != nil {
					t.Error(err)
					return
				}
				if resp.Results[0].Status == syncproto.StatusApplied {
					applied.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if applied.Load() != devices*pushes {
		t.Fatalf("%d applied, want %d", applied.Load(), devices*pushes)
	}
	if maxJobs.Load() < 2 || commits.Load() >= devices*pushes {
		t.Fatalf("no group commit: %d commits for %d pushes, largest group %d", commits.Load(), devices*pushes, maxJobs.Load())
	}
	var n int
	db.read.QueryRow(`SELECT count(*) FROM records`).Scan(&n)
	if n != devices*pushes {
		t.Fatalf("%d records stored, want %d", n, devices*pushes)
	}
	t.Logf("%d pushes in %d commits, largest group %d", devices*pushes, commits.Load(), maxJobs.Load())
}

func TestFailedJobDoesNotSinkTheGroup(t *testing.T) {
	db, _ := mustOpen(t, Options{})
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = db.w.do(ctx, func(tx *wtx) error {
				if _, err := tx.Exec(`INSERT INTO meta (key, value) VALUES (?, 'v')`, "k"+string(rune('a'+i))); err != nil {
					return err
				}
				if i == 1 {
					panic("job bug")
				}
				return nil
			})
		}()
	}
	wg.Wait()
	if errs[0] != nil || errs[2] != nil || errs[1] == nil {
		t.Fatalf("errs = %v, want only job 1 to fail", errs)
	}
	var n int
	db.read.QueryRow(`SELECT count(*) FROM meta WHERE key IN ('ka','kb','kc')`).Scan(&n)
	if n != 2 {
		t.Fatalf("%d rows committed, want 2 (the failed job's write undone)", n)
	}
}

// TestDurabilityPragmas: the write connection commits in WAL mode with
// synchronous=FULL, so an acknowledged commit is on disk.
func TestDurabilityPragmas(t *testing.T) {
	db, _ := mustOpen(t, Options{})
	var mode string
	var sync int
	if err := db.write.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if err := db.write.QueryRow(`PRAGMA synchronous`).Scan(&sync); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" || sync != 2 {
		t.Fatalf("journal_mode=%s synchronous=%d, want wal and 2 (FULL)", mode, sync)
	}
}
