// Package syncproto holds what the phones and the server must agree on
// byte for byte: the wire types of sync protocol v1, the hybrid logical
// clock (HLC) and the field-level merge rules.
//
// The package is pure: it performs no I/O and imports nothing else of this
// module, so the server and the reference phone client share one copy of
// every rule.
package syncproto
