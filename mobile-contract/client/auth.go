package client

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"urcsync/syncproto"
)

// Login logs in with POST /v1/auth/login and stores the token and the user.
// When a different user than the last one logs in, the previous user's
// pending changes are pushed first (ErrPendingChanges if that fails), and
// after the login that user's replica, cursors and rejected list are
// discarded.
func (c *Client) Login(ctx context.Context, username, password, deviceName string) (syncproto.User, error) {
	c.syncMu.Lock()
	defer c.syncMu.Unlock()
	prev, err := c.user()
	if err != nil {
		return syncproto.User{}, fmt.Errorf("client: login: %w", err)
	}
	if prev != nil && !strings.EqualFold(prev.Username, username) {
		if err := c.pushAllBeforeSwitch(ctx, prev.Username); err != nil {
			return syncproto.User{}, fmt.Errorf("client: login: %w", err)
		}
	}
	body, err := json.Marshal(syncproto.LoginRequest{
		Username: username, Password: password, DeviceID: c.deviceID, DeviceName: deviceName,
	})
	if err != nil {
		return syncproto.User{}, fmt.Errorf("client: login: %w", err)
	}
	var resp syncproto.LoginResponse
	if err := c.send(ctx, apiRequest{method: http.MethodPost, path: "/v1/auth/login", body: body}, &resp); err != nil {
		return syncproto.User{}, fmt.Errorf("client: login: %w", err)
	}
	if resp.Token == "" {
		return syncproto.User{}, fmt.Errorf("client: login: answer carried no token")
	}
	userJSON, err := json.Marshal(resp.User)
	if err != nil {
		return syncproto.User{}, fmt.Errorf("client: login: %w", err)
	}
	err = c.inTx(func(tx *sql.Tx) error {
		if prev != nil && prev.ID != resp.User.ID {
			if err := forgetScope(tx); err != nil {
				return err
			}
		}
		if err := setState(tx, keyToken, resp.Token); err != nil {
			return err
		}
		return setState(tx, keyUser, string(userJSON))
	})
	if err != nil {
		return syncproto.User{}, fmt.Errorf("client: login: %w", err)
	}
	return resp.User, nil
}

// pushAllBeforeSwitch pushes what the previous user left pending.
func (c *Client) pushAllBeforeSwitch(ctx context.Context, prevUser string) error {
	n, err := c.Pending()
	if err != nil || n == 0 {
		return err
	}
	if _, err := c.push(ctx); err != nil {
		return fmt.Errorf("%w: %d changes of %s: %w", ErrPendingChanges, n, prevUser, err)
	}
	if n, err = c.Pending(); err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("%w: %d changes of %s", ErrPendingChanges, n, prevUser)
	}
	return nil
}

// forgetScope discards what belongs to the previous user's scope.
func forgetScope(tx *sql.Tx) error {
	if _, err := tx.Exec(`DELETE FROM rejected`); err != nil {
		return fmt.Errorf("forget previous user: %w", err)
	}
	if err := deleteState(tx, keyCursor, keyPullCursor); err != nil {
		return err
	}
	return clearReplica(tx)
}

// Logout ends the token with POST /v1/auth/logout. The local token is
// dropped whatever the server answers; an answer that the token had already
// ended is not an error, but device_revoked still wipes the phone.
func (c *Client) Logout(ctx context.Context) error {
	c.syncMu.Lock()
	defer c.syncMu.Unlock()
	err := c.send(ctx, apiRequest{method: http.MethodPost, path: "/v1/auth/logout", auth: true}, nil)
	if errors.Is(err, ErrNotLoggedIn) {
		return nil
	}
	if err != nil {
		if werr := c.afterAuthError(err); werr != nil {
			return fmt.Errorf("client: logout: %w", errors.Join(err, werr))
		}
		var ae *APIError
		if errors.As(err, &ae) && ae.Status == http.StatusUnauthorized && ae.Code != syncproto.CodeDeviceRevoked {
			return nil
		}
	}
	if derr := c.inTx(func(tx *sql.Tx) error { return deleteState(tx, keyToken) }); derr != nil {
		err = errors.Join(err, derr)
	}
	if err != nil {
		return fmt.Errorf("client: logout: %w", err)
	}
	return nil
}

// afterAuthError acts on a 401: device_revoked wipes the phone; an
// expired, unknown or disabled user's token is dropped, data kept.
func (c *Client) afterAuthError(err error) error {
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusUnauthorized {
		return nil
	}
	switch ae.Code {
	case syncproto.CodeDeviceRevoked:
		return c.wipeAll()
	case syncproto.CodeTokenExpired, syncproto.CodeUnauthenticated, syncproto.CodeUserDisabled:
		return c.inTx(func(tx *sql.Tx) error { return deleteState(tx, keyToken) })
	}
	return nil
}

// user returns the last logged-in user, or nil.
func (c *Client) user() (*syncproto.User, error) {
	s, err := getState(c.db, keyUser)
	if err != nil || s == "" {
		return nil, err
	}
	var u syncproto.User
	if err := json.Unmarshal([]byte(s), &u); err != nil {
		return nil, fmt.Errorf("saved user: %w", err)
	}
	return &u, nil
}
