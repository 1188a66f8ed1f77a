// Package faultproxy is an HTTP proxy on loopback that stands between one
// phone and the server and does to the phone's requests what a patchy 3G
// link does: latency and a bandwidth cap, connections dropped before the
// request arrives, request bodies cut mid-stream, answers cut mid-stream,
// answers lost after the server committed, requests delivered twice, and
// the server killed (SIGKILL) and restarted while a request is in flight.
//
// Every decision comes from a random source seeded by the caller, drawn in
// a fixed pattern per request, so the same seed and the same requests give
// the same faults. The proxy reads every answer of the server in full
// before deciding what the phone gets, and reports each one to an
// Observer: what the server said is known even when the phone never hears
// it.
package faultproxy
