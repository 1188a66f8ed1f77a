package local

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"path"
	"time"
)

// createTemp creates a new, empty temporary file in tmpDir.
func (s *Store) createTemp() (string, *os.File, error) {
	var b [12]byte
	rand.Read(b[:])
	name := path.Join(tmpDir, "put-"+hex.EncodeToString(b[:]))
	f, err := s.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", nil, err
	}
	return name, f, nil
}

// removeStaleTemps removes temporary files last modified before cutoff: the
// leftovers of writes interrupted by a crash.
func (s *Store) removeStaleTemps(cutoff time.Time) {
	d, err := s.root.Open(tmpDir)
	if err != nil {
		return
	}
	defer d.Close()
	entries, err := d.ReadDir(-1)
	if err != nil {
		return
	}
	for _, e := range entries {
		if fi, err := e.Info(); err == nil && fi.ModTime().Before(cutoff) {
			s.root.Remove(path.Join(tmpDir, e.Name()))
		}
	}
}

// syncDir fsyncs directory dir so that a rename into it is durable.
func (s *Store) syncDir(dir string) error {
	d, err := s.root.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
