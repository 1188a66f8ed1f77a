// Package wire measures what syncing costs on the wire: bytes sent and
// received per synced encounter, with gzip on and off, between the
// reference phone client and the real server process.
//
//	go test -run '^$' -bench . -benchtime 1x ./server/bench/wire/
//
// The package has no code outside its tests.
package wire
