package imaging

import (
	"math"
	"testing"
)

func TestDistanceMeters(t *testing.T) {
	arcMinute := earthRadiusMeters * math.Pi / (180 * 60)
	for _, c := range []struct {
		name                   string
		lat1, lon1, lat2, lon2 float64
		want, tolerance        float64 // meters; tolerance as a fraction
	}{
		// The WGS84 ellipsoidal distances (Vincenty's inverse formula) are
		// 1,411,642 m and 856.3 m; the sphere is within 0.3 % of them.
		{"Medan to Jakarta", 3.5952, 98.6722, -6.2000, 106.8166, 1_411_642, 0.01},
		{"medan.jpg to rotated.jpg", 3.5952, 98.6722, 3.5901, 98.6780, 856.3, 0.01},
		{"same point", 3.5952, 98.6722, 3.5952, 98.6722, 0, 0},
		{"one minute of a meridian", 0, 98, 1.0 / 60, 98, arcMinute, 1e-9},
		{"across the antimeridian", 0, 179.9, 0, -179.9, 0.2 * 60 * arcMinute, 1e-9},
		{"antipodes", 3.5952, 98.6722, -3.5952, -81.3278, math.Pi * earthRadiusMeters, 1e-7},
	} {
		got := DistanceMeters(c.lat1, c.lon1, c.lat2, c.lon2)
		back := DistanceMeters(c.lat2, c.lon2, c.lat1, c.lon1)
		if math.Abs(got-c.want) > c.tolerance*c.want+1e-6 || math.Abs(got-back) > 1e-6 {
			t.Errorf("%s: %.1f m (back %.1f m), want %.1f m ± %g", c.name, got, back, c.want, c.tolerance)
		}
	}
}

// The fixtures' positions against the 1 km check of protocol §5.
func TestDistanceFixtures(t *testing.T) {
	if d := DistanceMeters(3.5952, 98.6722, 3.5901, 98.6780); d >= 1000 {
		t.Errorf("rotated.jpg is %.0f m from medan.jpg, want under 1 km", d)
	}
	if d := DistanceMeters(3.5952, 98.6722, -6.2, 106.8166); d < 1000 {
		t.Errorf("far_away.jpg is %.0f m from medan.jpg, want over 1 km", d)
	}
}
