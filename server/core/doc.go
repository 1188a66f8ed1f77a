// Package core holds the server's domain: who is calling (Principal), the
// accounts and devices the office manages, the one error type with its
// stable codes, and the service interfaces the HTTP layer talks to. The
// adapters (sqlite, api) depend on core; core depends on nothing but
// syncproto.
package core
