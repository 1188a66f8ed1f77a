-- Key/value state of the server itself: HLC, sequence, cursor key.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- One row per record. The rowid is the record's server position (seq), so
-- a pull is one range scan in commit order; every applied change moves
-- its record to a new position.
CREATE TABLE records (
    seq        INTEGER PRIMARY KEY,
    collection TEXT    NOT NULL,
    id         TEXT    NOT NULL,
    team_id    TEXT    NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0,
    hlc        TEXT    NOT NULL,
    created_by TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    doc        TEXT    NOT NULL,  -- the record's fields as pulled (JSON object)
    state      TEXT    NOT NULL,  -- merge state (syncproto.Record as JSON)
    UNIQUE (collection, id)
);
CREATE INDEX records_team_seq ON records (team_id, seq);

-- Applied changes by op_id, for idempotent re-sends.
CREATE TABLE ops (
    op_id  TEXT PRIMARY KEY,
    hash   BLOB NOT NULL,
    result TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE conflicts (
    id          TEXT PRIMARY KEY,
    team_id     TEXT NOT NULL,
    collection  TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    field       TEXT NOT NULL,  -- '' for record-level conflicts
    kind        TEXT NOT NULL,
    status      TEXT NOT NULL,  -- open | resolved | superseded
    current     TEXT NOT NULL,
    other       TEXT NOT NULL,
    record_seq  INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    resolved_by TEXT,
    resolved_at TEXT,
    resolution  TEXT,
    note        TEXT
) WITHOUT ROWID;
CREATE INDEX conflicts_field ON conflicts (collection, record_id, field, status);
CREATE INDEX conflicts_team ON conflicts (team_id, status, created_at);

-- Every change the server refused, with its reason, for the office.
CREATE TABLE rejected (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    op_id       TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    team_id     TEXT NOT NULL,
    collection  TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    change      TEXT NOT NULL,
    code        TEXT NOT NULL,
    message     TEXT NOT NULL,
    field       TEXT NOT NULL,
    received_at TEXT NOT NULL
);
CREATE INDEX rejected_team ON rejected (team_id, id);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    team_id       TEXT NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1,
    team_epoch    INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE devices (
    id              TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users (id),
    name            TEXT NOT NULL,
    revoked         INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    last_sync_at    TEXT,
    clock_offset_ms INTEGER
) WITHOUT ROWID;
CREATE INDEX devices_user ON devices (user_id);

-- Bearer tokens, stored only as SHA-256 hashes. ended is the code a token
-- answers with once ended (user_disabled, device_revoked, unauthenticated).
CREATE TABLE tokens (
    hash         BLOB PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    device_id    TEXT NOT NULL REFERENCES devices (id),
    created_at   TEXT NOT NULL,
    last_used_at TEXT NOT NULL,
    ended        TEXT
) WITHOUT ROWID;
CREATE INDEX tokens_user ON tokens (user_id);
CREATE INDEX tokens_device ON tokens (device_id);
