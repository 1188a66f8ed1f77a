-- The append-only audit log. Each entry carries the hash of the previous
-- one, so a changed or removed entry breaks the chain. No code path
-- updates or deletes entries, and the triggers refuse it at the database.
CREATE TABLE audit (
    seq         INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    user_id     TEXT NOT NULL,   -- '' for anonymous (failed logins)
    username    TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    address     TEXT NOT NULL,
    action      TEXT NOT NULL,
    target      TEXT NOT NULL,
    team_id     TEXT NOT NULL,
    details     TEXT NOT NULL,   -- JSON object
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_team ON audit (team_id, seq);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
