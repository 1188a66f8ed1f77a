// Package mediabench measures the photo pipeline against its baseline in
// the same run: 20 concurrent 10 MiB uploads through the real server
// process into a real S3-compatible server (Versity), against the same
// uploads sent straight to that S3 server with minio-go; and the server's
// peak RSS and heap while it happens.
//
//	go test -run '^$' -bench . -benchtime 1x ./server/bench/mediabench/
//
// The package has no code outside its tests.
package mediabench
