package imaging

import "math"

// coordinate reads a GPS latitude or longitude: three rationals (degrees,
// minutes, seconds; missing trailing ones count as zero) signed by the
// reference letter, pos or neg. It is false when either tag is absent or
// invalid, or the result exceeds limit degrees.
func coordinate(gps ifd, refTag, valueTag uint16, pos, neg byte, limit float64) (float64, bool) {
	ref, ok := gps.ascii(refTag)
	if !ok || len(ref) != 1 {
		return 0, false
	}
	var sign float64
	switch ref[0] | 0x20 {
	case pos | 0x20:
		sign = 1
	case neg | 0x20:
		sign = -1
	default:
		return 0, false
	}
	dms, ok := gps.rationals(valueTag)
	if !ok || len(dms) == 0 {
		return 0, false
	}
	v := 0.0
	for i, scale := range []float64{1, 60, 3600}[:len(dms)] {
		if dms[i] < 0 || math.IsNaN(dms[i]) || math.IsInf(dms[i], 0) {
			return 0, false
		}
		v += dms[i] / scale
	}
	if v > limit {
		return 0, false
	}
	return sign * v, true
}
