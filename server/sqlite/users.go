package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"strings"

	"urcsync/server/auth"
	"urcsync/server/core"
	"urcsync/syncproto"
)

var (
	usernamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$`)
	teamPattern     = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
)

func validateNewUser(u core.NewUser) error {
	switch {
	case !usernamePattern.MatchString(u.Username):
		return core.Errorf(syncproto.CodeInvalidRequest, "username must be 2-64 letters, digits, dots, dashes or underscores")
	case len(u.Password) < auth.MinPasswordLen || len(u.Password) > 200:
		return core.Errorf(syncproto.CodeInvalidRequest, "password must be %d to 200 characters", auth.MinPasswordLen)
	case !core.ValidRole(u.Role):
		return core.Errorf(syncproto.CodeInvalidRequest, "role must be officer, supervisor or admin")
	case !teamPattern.MatchString(u.TeamID):
		return core.Errorf(syncproto.CodeInvalidRequest, "team_id must be a short lowercase slug such as urc-1")
	}
	return nil
}

func requireAdmin(p core.Principal) error {
	if !p.IsAdmin() {
		return core.Errorf(syncproto.CodeForbidden, "only an admin may manage users")
	}
	return nil
}

// AddUser creates a user without a caller (bootstrap from the command line).
func (db *DB) AddUser(ctx context.Context, u core.NewUser) (core.UserAccount, error) {
	if err := validateNewUser(u); err != nil {
		return core.UserAccount{}, err
	}
	hash, err := db.opt.Hasher.Hash(u.Password)
	if err != nil {
		return core.UserAccount{}, err
	}
	id := newUserID()
	now := formatTime(db.now())
	err = db.w.do(ctx, func(tx *wtx) error {
		_, err := tx.Exec(`INSERT INTO users (id, username, password_hash, role, team_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			id, u.Username, hash, u.Role, u.TeamID, now, now)
		if err != nil && strings.Contains(err.Error(), "UNIQUE") {
			return core.Errorf(syncproto.CodeUsernameTaken, "that username is taken")
		}
		return err
	})
	if err != nil {
		return core.UserAccount{}, err
	}
	return db.userByID(ctx, id)
}

// CreateUser adds a user on an admin's behalf.
func (db *DB) CreateUser(ctx context.Context, p core.Principal, u core.NewUser) (core.UserAccount, error) {
	if err := requireAdmin(p); err != nil {
		return core.UserAccount{}, err
	}
	created, err := db.AddUser(ctx, u)
	if err != nil {
		return created, err
	}
	return created, db.Audit(ctx, p, "user_created", "user:"+created.Username, created.TeamID,
		map[string]any{"role": created.Role, "team_id": created.TeamID})
}

// ListUsers lists every user, by username.
func (db *DB) ListUsers(ctx context.Context, p core.Principal) ([]core.UserAccount, error) {
	if err := requireAdmin(p); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, username, role, team_id, active, created_at FROM users ORDER BY username`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	users := []core.UserAccount{}
	for rows.Next() {
		var u core.UserAccount
		var created string
		if err := rows.Scan(&u.ID, &u.Username, &u.Role, &u.TeamID, &u.Active, &created); err != nil {
			return nil, err
		}
		u.CreatedAt = created
		users = append(users, u)
	}
	return users, rows.Err()
}

// UpdateUser changes a user. A change of role, team, password or a
// deactivation ends the user's tokens at once; a team change also expires
// the user's pull cursors.
func (db *DB) UpdateUser(ctx context.Context, p core.Principal, id string, patch core.UserPatch) (core.UserAccount, error) {
	if err := requireAdmin(p); err != nil {
		return core.UserAccount{}, err
	}
	if patch.Role != nil && !core.ValidRole(*patch.Role) {
		return core.UserAccount{}, core.Errorf(syncproto.CodeInvalidRequest, "role must be officer, supervisor or admin")
	}
	if patch.TeamID != nil && !teamPattern.MatchString(*patch.TeamID) {
		return core.UserAccount{}, core.Errorf(syncproto.CodeInvalidRequest, "team_id must be a short lowercase slug such as urc-1")
	}
	var hash string
	if patch.Password != nil {
		if len(*patch.Password) < auth.MinPasswordLen || len(*patch.Password) > 200 {
			return core.UserAccount{}, core.Errorf(syncproto.CodeInvalidRequest, "password must be %d to 200 characters", auth.MinPasswordLen)
		}
		var err error
		if hash, err = db.opt.Hasher.Hash(*patch.Password); err != nil {
			return core.UserAccount{}, err
		}
	}
	id = strings.ToLower(id)
	err := db.w.do(ctx, func(tx *wtx) error {
		var role, team string
		var active bool
		err := tx.QueryRow(`SELECT role, team_id, active FROM users WHERE id = ?`, id).Scan(&role, &team, &active)
		if errors.Is(err, sql.ErrNoRows) {
			return core.Errorf(syncproto.CodeNotFound, "no such user")
		}
		if err != nil {
			return err
		}
		now := formatTime(db.now())
		end := ""
		if patch.Role != nil && *patch.Role != role {
			end = syncproto.CodeUnauthenticated
			if _, err := tx.Exec(`UPDATE users SET role = ?, updated_at = ? WHERE id = ?`, *patch.Role, now, id); err != nil {
				return err
			}
		}
		if patch.TeamID != nil && *patch.TeamID != team {
			end = syncproto.CodeUnauthenticated
			if _, err := tx.Exec(`UPDATE users SET team_id = ?, team_epoch = team_epoch + 1, updated_at = ? WHERE id = ?`, *patch.TeamID, now, id); err != nil {
				return err
			}
		}
		if hash != "" {
			end = syncproto.CodeUnauthenticated
			if _, err := tx.Exec(`UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`, hash, now, id); err != nil {
				return err
			}
		}
		if patch.Active != nil && *patch.Active != active {
			if !*patch.Active {
				end = syncproto.CodeUserDisabled
			}
			if _, err := tx.Exec(`UPDATE users SET active = ?, updated_at = ? WHERE id = ?`, *patch.Active, now, id); err != nil {
				return err
			}
		}
		if end != "" {
			if err := endTokens(tx, id, "", end); err != nil {
				return err
			}
		}
		return db.appendAudit(tx, entryFor(p, "user_updated", "user:"+id, team, patchDetails(patch)))
	})
	if err != nil {
		return core.UserAccount{}, err
	}
	return db.userByID(ctx, id)
}

func (db *DB) userByID(ctx context.Context, id string) (core.UserAccount, error) {
	var u core.UserAccount
	var created string
	err := db.read.QueryRowContext(ctx, `SELECT id, username, role, team_id, active, created_at FROM users WHERE id = ?`, id).
		Scan(&u.ID, &u.Username, &u.Role, &u.TeamID, &u.Active, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return u, core.Errorf(syncproto.CodeNotFound, "no such user")
	}
	u.CreatedAt = created
	return u, err
}

// patchDetails says what a user change touched, never the password itself.
func patchDetails(p core.UserPatch) map[string]any {
	d := map[string]any{}
	if p.Active != nil {
		d["active"] = *p.Active
	}
	if p.Role != nil {
		d["role"] = *p.Role
	}
	if p.TeamID != nil {
		d["team_id"] = *p.TeamID
	}
	if p.Password != nil {
		d["password"] = "changed"
	}
	return d
}
