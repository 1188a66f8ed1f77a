// Package verdict compares, after the quiet final sync, what every phone
// holds, what the server holds, what the server told the phones along the
// way (the ledger) and what the independent merge model predicts, and
// lists every difference precisely.
package verdict
