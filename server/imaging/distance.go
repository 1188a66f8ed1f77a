package imaging

import "math"

// earthRadiusMeters is the mean radius of the Earth (IUGG).
const earthRadiusMeters = 6_371_008.8

// DistanceMeters is the great-circle distance in meters between two points
// given in decimal degrees, by the haversine formula on a sphere of the
// Earth's mean radius (within 0.5 % of the ellipsoidal distance), as used
// for the 1 km location check of protocol §5.
func DistanceMeters(lat1, lon1, lat2, lon2 float64) float64 {
	const rad = math.Pi / 180
	φ1, φ2 := lat1*rad, lat2*rad
	dφ, dλ := (lat2-lat1)*rad, (lon2-lon1)*rad
	s1, s2 := math.Sin(dφ/2), math.Sin(dλ/2)
	a := s1*s1 + math.Cos(φ1)*math.Cos(φ2)*s2*s2
	return 2 * earthRadiusMeters * math.Asin(math.Sqrt(min(1, a)))
}
