-- The value a custom resolution chose.
ALTER TABLE conflicts ADD COLUMN resolved_value TEXT;

-- The office's browser sessions, stored server-side by the hash of the
-- cookie's token.
CREATE TABLE sessions (
    hash         BLOB PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    csrf         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_used_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions (user_id);
