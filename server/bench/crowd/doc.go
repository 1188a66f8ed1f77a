// Package crowd measures 1,000 phones syncing at once against one real
// server process on this machine: each phone pushes a batch of new and
// edited encounters and then pulls its team's changes to the end, for a
// few rounds, all starting at the same moment. It reports push and pull
// latency (p50, p99) next to the same push and pull made by one phone
// alone on the same server in the same run, every error answer, and the
// server's idle and peak RSS.
//
//	go test -run '^$' -bench . -benchtime 1x ./server/bench/crowd/
//
// The package has no code outside its tests.
package crowd
