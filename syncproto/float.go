package syncproto

import (
	"math"
	"strconv"
)

// AppendNumber appends f as encoding/json writes a float64 (the ES6
// number form: plain decimals, exponents below 1e-6 and from 1e21), and
// reports false, appending nothing, for infinities and NaN, which JSON
// cannot hold.
func AppendNumber(b []byte, f float64) ([]byte, bool) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return b, false
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-09 is written e-9.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, true
}
