// Package auth holds the server's credential primitives: password hashing,
// bearer tokens stored only as hashes, and the login throttle keyed by
// (username, address). It keeps no persistent state of its own.
package auth
