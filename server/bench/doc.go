// Package bench holds the sync-core benchmarks. Each figure is reported
// next to a baseline measured in the same run on the same machine, through
// the same driver (modernc.org/sqlite) with the store's pragmas and page
// caches.
//
// BenchmarkPush has 50 concurrent devices push batches of 500
// field-changes through the real HTTP stack, against plain batched
// INSERTs of equivalent rows into a fresh SQLite file. BenchmarkColdPull
// pulls 100,000 records from an empty cursor, against a plain indexed
// scan of equivalent rows:
//
//	go test -run '^$' -bench 'Push|ColdPull' -benchtime 1x ./server/bench/
//
// BenchmarkScale measures the cost of a push and of a pull with 10,000
// and with 1,000,000 records already stored (about three minutes, most of
// it filling the larger file):
//
//	go test -run '^$' -bench Scale -benchtime 1x ./server/bench/
//
// The package has no code outside its tests.
package bench
