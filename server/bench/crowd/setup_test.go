package crowd

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"sync"

	"urcsync/server/core"
	"urcsync/server/serverproc"
	"urcsync/syncproto"
)

// startServer runs the binary on a fresh data directory under dir, with
// one admin created by the server's own `user add`.
func startServer(bin, dir string) (*serverproc.Server, error) {
	data := filepath.Join(dir, "data")
	if err := serverproc.AddUser(context.Background(), bin, data, adminName, password, "admin", "office"); err != nil {
		return nil, err
	}
	return serverproc.Start(bin, data, "URC_BCRYPT_COST=4")
}

// createOfficers logs the admin in and creates one officer per phone
// through POST /v1/admin/users, setupWorkers at a time.
func createOfficers(base string, phones []*phone) error {
	admin := newPhone(base, adminName, "office", 0, newTally(), "admin")
	if err := admin.login(); err != nil {
		return err
	}
	admin.client.Transport.(*http.Transport).MaxIdleConnsPerHost = setupWorkers
	return forEach(len(phones), func(i int) error {
		p := phones[i]
		body, _ := json.Marshal(core.NewUser{Username: p.username, Password: password, Role: syncproto.RoleOfficer, TeamID: p.team})
		var created json.RawMessage
		if _, err := admin.exchangeStatus(http.MethodPost, "/v1/admin/users", body, false, http.StatusCreated, &created); err != nil {
			return fmt.Errorf("create %s: %w", p.username, err)
		}
		return nil
	})
}

// loginAll logs every phone in, setupWorkers at a time.
func loginAll(phones []*phone) error {
	return forEach(len(phones), func(i int) error { return phones[i].login() })
}

// forEach runs f for 0…n-1, setupWorkers at a time, and returns the first
// error.
func forEach(n int, f func(int) error) error {
	sem := make(chan struct{}, setupWorkers)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			if err := f(i); err != nil {
				mu.Lock()
				if first == nil {
					first = err
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return first
}
