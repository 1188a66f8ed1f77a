package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"time"

	"urcsync/server/auth"
	"urcsync/server/core"
	"urcsync/syncproto"
)

// SessionIdle is how long an unused office session lives.
const SessionIdle = 12 * time.Hour

// StartSession checks an office user's credentials and opens a browser
// session stored server-side; the cookie carries only a random token.
func (db *DB) StartSession(ctx context.Context, username, password, addr string) (string, core.Principal, string, error) {
	var p core.Principal
	u, hash, err := db.userByName(ctx, username)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", p, "", err
	}
	who := core.Principal{UserID: u.ID, Username: username, Addr: addr, Role: u.Role, TeamID: u.TeamID}
	if db.opt.Hasher.Check(hash, password) != nil {
		if err := db.Audit(ctx, who, "login_failed", "user:"+username, u.TeamID, map[string]any{"via": "web"}); err != nil {
			return "", p, "", err
		}
		return "", p, "", core.Errorf(syncproto.CodeInvalidCredentials, "wrong username or password")
	}
	who.Username = u.Username
	if !u.Active {
		return "", p, "", core.Errorf(syncproto.CodeUserDisabled, "this account is disabled")
	}
	if !who.IsOffice() {
		return "", p, "", core.Errorf(syncproto.CodeForbidden, "the office pages are for supervisors and admins")
	}
	token, th := auth.NewToken()
	csrf := randomText()
	now := formatTime(db.now())
	err = db.w.do(ctx, func(tx *wtx) error {
		if _, err := tx.Exec(`INSERT INTO sessions (hash, user_id, csrf, created_at, last_used_at) VALUES (?, ?, ?, ?, ?)`, th, u.ID, csrf, now, now); err != nil {
			return err
		}
		return db.appendAudit(tx, entryFor(who, "login", "user:"+u.Username, u.TeamID, map[string]any{"via": "web"}))
	})
	return token, who, csrf, err
}

// Session resolves a session token; sessions of disabled users, and idle
// ones, are over.
func (db *DB) Session(ctx context.Context, token string) (core.Principal, string, error) {
	var p core.Principal
	var csrf, lastUsed string
	var active bool
	err := db.read.QueryRowContext(ctx, `SELECT u.id, u.username, u.role, u.team_id, u.team_epoch, u.active, s.csrf, s.last_used_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.hash = ?`, auth.HashToken(token)).
		Scan(&p.UserID, &p.Username, &p.Role, &p.TeamID, &p.TeamEpoch, &active, &csrf, &lastUsed)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && (!active || !p.IsOffice() || db.now().Sub(parseTime(lastUsed)) > SessionIdle)) {
		return core.Principal{}, "", core.Errorf(syncproto.CodeUnauthenticated, "please log in")
	}
	if err != nil {
		return p, "", err
	}
	if db.now().Sub(parseTime(lastUsed)) > time.Minute {
		go db.touch(`UPDATE sessions SET last_used_at = ? WHERE hash = ?`, auth.HashToken(token))
	}
	return p, csrf, nil
}

// EndSession ends a browser session.
func (db *DB) EndSession(ctx context.Context, token string) error {
	p, _, err := db.Session(ctx, token)
	return db.w.do(ctx, func(tx *wtx) error {
		if _, err := tx.Exec(`DELETE FROM sessions WHERE hash = ?`, auth.HashToken(token)); err != nil {
			return err
		}
		if err != nil {
			return nil
		}
		return db.appendAudit(tx, entryFor(p, "logout", "user:"+p.Username, p.TeamID, map[string]any{"via": "web"}))
	})
}

func randomText() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
