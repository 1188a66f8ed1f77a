package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"

	"urcsync/server/auth"
	"urcsync/server/core"
	"urcsync/syncproto"
)

// Login checks the credentials, binds the device to its first user and
// issues a token (§1).
func (db *DB) Login(ctx context.Context, req syncproto.LoginRequest, addr string) (*syncproto.LoginResponse, error) {
	dev, ok := syncproto.CanonicalUUID(req.DeviceID)
	if !ok {
		return nil, core.Errorf(syncproto.CodeInvalidRequest, "device_id must be a UUID")
	}
	if req.Username == "" || len(req.Username) > 100 || len(req.Password) > 200 || len(req.DeviceName) > 200 {
		return nil, core.Errorf(syncproto.CodeInvalidCredentials, "wrong username or password")
	}
	u, hash, err := db.userByName(ctx, req.Username)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	who := core.Principal{UserID: u.ID, Username: req.Username, DeviceID: dev, Addr: addr}
	if db.opt.Hasher.Check(hash, req.Password) != nil {
		if err := db.Audit(ctx, who, "login_failed", "user:"+req.Username, u.TeamID, nil); err != nil {
			return nil, err
		}
		return nil, core.Errorf(syncproto.CodeInvalidCredentials, "wrong username or password")
	}
	who.Username = u.Username
	if !u.Active {
		if err := db.Audit(ctx, who, "login_failed", "user:"+u.Username, u.TeamID, map[string]any{"reason": "user_disabled"}); err != nil {
			return nil, err
		}
		return nil, core.Errorf(syncproto.CodeUserDisabled, "this account is disabled")
	}
	token, th := auth.NewToken()
	err = db.w.do(ctx, func(tx *wtx) error {
		var owner string
		var revoked bool
		err := tx.QueryRow(`SELECT user_id, revoked FROM devices WHERE id = ?`, dev).Scan(&owner, &revoked)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			name := strings.TrimSpace(req.DeviceName)
			if _, err := tx.Exec(`INSERT INTO devices (id, user_id, name, created_at) VALUES (?, ?, ?, ?)`, dev, u.ID, name, formatTime(db.now())); err != nil {
				return err
			}
			if err := db.appendAudit(tx, entryFor(who, "device_registered", "device:"+dev, u.TeamID, map[string]any{"name": name})); err != nil {
				return err
			}
		case err != nil:
			return err
		case owner != u.ID || revoked:
			return core.Errorf(syncproto.CodeDeviceUnavailable, "this device is bound to another user or revoked")
		}
		now := formatTime(db.now())
		if _, err := tx.Exec(`INSERT INTO tokens (hash, user_id, device_id, created_at, last_used_at) VALUES (?, ?, ?, ?, ?)`, th, u.ID, dev, now, now); err != nil {
			return err
		}
		return db.appendAudit(tx, entryFor(who, "login", "user:"+u.Username, u.TeamID, nil))
	})
	if core.ErrorCode(err) == syncproto.CodeDeviceUnavailable {
		if aerr := db.Audit(ctx, who, "login_failed", "user:"+u.Username, u.TeamID, map[string]any{"reason": "device_unavailable"}); aerr != nil {
			return nil, aerr
		}
	}
	if err != nil {
		return nil, err
	}
	return &syncproto.LoginResponse{Token: token, DeviceID: dev,
		User: syncproto.User{ID: u.ID, Username: u.Username, Role: u.Role, TeamID: u.TeamID}}, nil
}

// Authenticate resolves a bearer token to its caller (§0 401 codes).
func (db *DB) Authenticate(ctx context.Context, token string) (core.Principal, error) {
	var p core.Principal
	if token == "" || len(token) > 200 {
		return p, core.Errorf(syncproto.CodeUnauthenticated, "a valid bearer token is required")
	}
	th := auth.HashToken(token)
	var ended sql.NullString
	var lastUsed string
	var active, revoked bool
	err := db.read.QueryRowContext(ctx, `SELECT t.ended, t.last_used_at, u.id, u.username, u.role, u.team_id, u.team_epoch, u.active, d.id, d.revoked
		FROM tokens t JOIN users u ON u.id = t.user_id JOIN devices d ON d.id = t.device_id WHERE t.hash = ?`, th).
		Scan(&ended, &lastUsed, &p.UserID, &p.Username, &p.Role, &p.TeamID, &p.TeamEpoch, &active, &p.DeviceID, &revoked)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return p, core.Errorf(syncproto.CodeUnauthenticated, "a valid bearer token is required")
	case err != nil:
		return p, err
	case revoked:
		return p, core.Errorf(syncproto.CodeDeviceRevoked, "this device was revoked: wipe local data")
	case !active:
		return p, core.Errorf(syncproto.CodeUserDisabled, "this account is disabled")
	case ended.Valid:
		return p, core.Errorf(syncproto.CodeUnauthenticated, "this token has ended: log in again")
	}
	now := db.now()
	used := parseTime(lastUsed)
	if now.Sub(used) > db.opt.TokenTTL {
		return p, core.Errorf(syncproto.CodeTokenExpired, "the token expired: log in again, keep local data")
	}
	p.TokenHash = th
	if now.Sub(used) > time.Minute {
		go db.touchToken(th)
	}
	return p, nil
}

// touchToken records that a token was used, which keeps it alive.
func (db *DB) touchToken(th []byte) {
	db.touch(`UPDATE tokens SET last_used_at = ? WHERE hash = ?`, th)
}

// touch records a last use (of a token or a session) in its own write,
// off the request's path; a failure only delays the record.
func (db *DB) touch(query string, hash []byte) {
	err := db.w.do(context.Background(), func(tx *wtx) error {
		_, err := tx.Exec(query, formatTime(db.now()), hash)
		return err
	})
	if err != nil && !errors.Is(err, errClosed) {
		db.opt.Logger.Warn("recording a last use failed", "err", err)
	}
}

// Logout ends the caller's token.
func (db *DB) Logout(ctx context.Context, p core.Principal) error {
	return db.w.do(ctx, func(tx *wtx) error {
		if _, err := tx.Exec(`DELETE FROM tokens WHERE hash = ?`, p.TokenHash); err != nil {
			return err
		}
		return db.appendAudit(tx, entryFor(p, "logout", "user:"+p.Username, p.TeamID, nil))
	})
}

// endTokens ends every live token of a user (or of a device when deviceID
// is set); reason records why. A user's office sessions end with them.
func endTokens(tx *wtx, userID, deviceID, reason string) error {
	if deviceID != "" {
		_, err := tx.Exec(`UPDATE tokens SET ended = ? WHERE device_id = ? AND ended IS NULL`, reason, deviceID)
		return err
	}
	if _, err := tx.Exec(`DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
		return err
	}
	_, err := tx.Exec(`UPDATE tokens SET ended = ? WHERE user_id = ? AND ended IS NULL`, reason, userID)
	return err
}

func (db *DB) userByName(ctx context.Context, username string) (core.UserAccount, string, error) {
	var u core.UserAccount
	var hash, created string
	err := db.read.QueryRowContext(ctx, `SELECT id, username, role, team_id, active, created_at, password_hash FROM users WHERE username = ?`, username).
		Scan(&u.ID, &u.Username, &u.Role, &u.TeamID, &u.Active, &created, &hash)
	u.CreatedAt = created
	return u, hash, err
}

func newUserID() string { return uuid.Must(uuid.NewV7()).String() }
