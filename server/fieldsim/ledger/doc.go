// Package ledger records what the server told the phones, as the fault
// proxies saw it, and replays it through the independent merge model.
//
// The simulator talks to the server one request at a time (the two copies
// of a duplicated request carry the same changes), so the order in which
// the proxies read the server's answers is the server's commit order: a
// change is placed where its first "applied" or "duplicate" answer was
// read, and a pull's final cursor is placed at the point it was read. A
// change's base_cursor therefore maps to a logical position that compares
// with the logical positions of writes exactly as the server's own
// positions do.
//
// The one gap is a change that the server committed in a request whose
// answer was never read (the server was killed with the request in
// flight): its first answer is a "duplicate" to a later re-send. That
// change is placed exactly when nothing else (another phone's change or
// pull, or an office write) happened between the killed request and the
// re-send; otherwise it is flagged as of uncertain order, and checks that
// depend on its position are reported as unverifiable rather than passed
// or failed.
package ledger
