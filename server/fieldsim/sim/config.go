package sim

import (
	"fmt"
	"io"

	"urcsync/server/fieldsim/faultproxy"
)

// Config sets up one simulation.
type Config struct {
	// Teams is the number of URC teams; Phones the officers (each with
	// one phone) per team.
	Teams, Phones int
	// Days of patrols, PatrolsPerDay per team, StepsPerPatrol actions of
	// a team's phones per patrol.
	Days, PatrolsPerDay, StepsPerPatrol int
	// Seed makes the run reproducible.
	Seed uint64
	// Faults turns the proxies' faults (and slow links) on.
	Faults bool
	// Kills is the number of times the server is killed (SIGKILL) and
	// restarted: between actions, or (with faults on) with a phone's
	// request in flight.
	Kills int
	// Rates are the per-request fault probabilities.
	Rates faultproxy.Rates
	// Storage is where the server keeps photo bytes: StorageLocal (its
	// data folder, the default when empty) or StorageS3 (a Versity S3
	// Gateway started for the run).
	Storage string
	// StorageOutages is the number of times the S3 gateway is killed for
	// a stretch of phone actions and then restarted; only with StorageS3.
	StorageOutages int
	// ServerBin is a server binary already built; empty means build one
	// into the work directory.
	ServerBin string
	// WorkDir holds the server's data and the phones' files; empty means
	// a temporary directory, removed afterwards unless Keep.
	WorkDir string
	Keep    bool
	// Progress receives a progress bar (nil: none); Log receives one line
	// per action (nil: none).
	Progress io.Writer
	Log      io.Writer
}

// Where photo bytes live (Config.Storage).
const (
	StorageLocal = "local"
	StorageS3    = "s3"
)

// DefaultConfig is the small run CI makes on every change.
func DefaultConfig() Config {
	return Config{Teams: 2, Phones: 3, Days: 1, PatrolsPerDay: 3, StepsPerPatrol: 32,
		Seed: 1, Faults: true, Kills: 3, Rates: faultproxy.DefaultRates(), Storage: StorageLocal}
}

func (c Config) check() error {
	switch {
	case c.Teams < 1 || c.Teams > 50:
		return fmt.Errorf("teams must be 1…50, not %d", c.Teams)
	case c.Phones < 1 || c.Phones > 50:
		return fmt.Errorf("phones per team must be 1…50, not %d", c.Phones)
	case c.Days < 1 || c.PatrolsPerDay < 1 || c.StepsPerPatrol < 1:
		return fmt.Errorf("days, patrols per day and steps per patrol must be at least 1")
	case c.Kills < 0:
		return fmt.Errorf("kills must not be negative")
	case c.Storage != "" && c.Storage != StorageLocal && c.Storage != StorageS3:
		return fmt.Errorf("storage must be %s or %s, not %q", StorageLocal, StorageS3, c.Storage)
	case c.StorageOutages < 0:
		return fmt.Errorf("storage outages must not be negative")
	case c.StorageOutages > 0 && c.Storage != StorageS3:
		return fmt.Errorf("storage outages need storage %s", StorageS3)
	case c.StorageOutages > c.totalSteps()/minOutageSteps:
		return fmt.Errorf("at most %d storage outages fit in %d steps", c.totalSteps()/minOutageSteps, c.totalSteps())
	}
	return nil
}

// totalSteps is the number of phone actions of the whole run.
func (c Config) totalSteps() int { return c.Days * c.PatrolsPerDay * c.StepsPerPatrol * c.Teams }

const password = "rahasia-lapangan-123"

func teamName(t int) string       { return fmt.Sprintf("urc-%d", t+1) }
func supervisorName(t int) string { return fmt.Sprintf("spv-%s", teamName(t)) }
func officerName(t, i int) string { return fmt.Sprintf("petugas-%s-%d", teamName(t), i+1) }
func adminName() string           { return "admin-kantor" }
