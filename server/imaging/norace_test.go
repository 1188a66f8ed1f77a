//go:build !race

package imaging

// raceEnabled: the race detector slows decoding many times over.
const raceEnabled = false
