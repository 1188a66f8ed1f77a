package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"urcsync/server/core"
	"urcsync/syncproto"
)

const deviceSelect = `SELECT d.id, d.name, d.user_id, u.username, u.team_id, d.revoked, d.created_at, d.last_sync_at, d.clock_offset_ms
	FROM devices d JOIN users u ON u.id = d.user_id`

func requireOffice(p core.Principal) error {
	if !p.IsOffice() {
		return core.Errorf(syncproto.CodeForbidden, "this endpoint is for supervisors and admins")
	}
	return nil
}

// ListDevices lists the devices of the caller's team (all for admins).
func (db *DB) ListDevices(ctx context.Context, p core.Principal) ([]core.Device, error) {
	if err := requireOffice(p); err != nil {
		return nil, err
	}
	var rows *sql.Rows
	var err error
	if p.IsAdmin() {
		rows, err = db.read.QueryContext(ctx, deviceSelect+` ORDER BY u.username, d.created_at`)
	} else {
		rows, err = db.read.QueryContext(ctx, deviceSelect+` WHERE u.team_id = ? ORDER BY u.username, d.created_at`, p.TeamID)
	}
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	devices := []core.Device{}
	for rows.Next() {
		d, err := scanDevice(rows)
		if err != nil {
			return nil, err
		}
		devices = append(devices, d)
	}
	return devices, rows.Err()
}

// RevokeDevice revokes a device of the caller's scope and ends its tokens.
func (db *DB) RevokeDevice(ctx context.Context, p core.Principal, id string) (core.Device, error) {
	if err := requireOffice(p); err != nil {
		return core.Device{}, err
	}
	id = strings.ToLower(id)
	d, err := db.device(ctx, id)
	if err != nil {
		return d, err
	}
	if !p.InScope(d.TeamID) {
		return core.Device{}, db.outOfScope(ctx, p, "device:"+id)
	}
	err = db.w.do(ctx, func(tx *wtx) error {
		if _, err := tx.Exec(`UPDATE devices SET revoked = 1 WHERE id = ?`, id); err != nil {
			return err
		}
		if err := db.appendAudit(tx, entryFor(p, "device_revoked", "device:"+id, d.TeamID, map[string]any{"owner": d.Username})); err != nil {
			return err
		}
		return endTokens(tx, "", id, syncproto.CodeDeviceRevoked)
	})
	if err != nil {
		return core.Device{}, err
	}
	return db.device(ctx, id)
}

func (db *DB) device(ctx context.Context, id string) (core.Device, error) {
	d, err := scanDevice(db.read.QueryRowContext(ctx, deviceSelect+` WHERE d.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, core.Errorf(syncproto.CodeNotFound, "no such device")
	}
	return d, err
}

type scanner interface{ Scan(dest ...any) error }

func scanDevice(s scanner) (core.Device, error) {
	var d core.Device
	var created string
	var last sql.NullString
	var offset sql.NullInt64
	if err := s.Scan(&d.ID, &d.Name, &d.UserID, &d.Username, &d.TeamID, &d.Revoked, &created, &last, &offset); err != nil {
		return d, err
	}
	d.CreatedAt = created
	if last.Valid {
		d.LastSyncAt = &last.String
	}
	if offset.Valid {
		d.ClockOffsetMS = &offset.Int64
	}
	return d, nil
}
