// Package e2e tests the server from outside, as the phones and the office
// use it: the real binary in its own process on a real SQLite file, spoken
// to over real HTTP through the reference phone client, every request and
// response checked against the contract.
package e2e
