// Package bench holds the sync-core benchmarks: 50 concurrent devices
// pushing batches of 500 field-changes through the real HTTP stack, and a
// cold pull of 100,000 records. Each figure is reported next to a baseline
// measured in the same run on the same machine: plain batched INSERTs of
// equivalent rows into a fresh SQLite file, and a plain indexed scan of
// them, through the same driver (modernc.org/sqlite).
//
//	go test -run '^$' -bench . -benchtime 1x ./server/bench/
//
// The package has no code outside its tests.
package bench
