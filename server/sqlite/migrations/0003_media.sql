-- The device that created each record (only it may upload a media
-- record's bytes).
ALTER TABLE records ADD COLUMN created_device TEXT NOT NULL DEFAULT '';

-- Media records by encounter, kept in step with the media records, so
-- the EXIF checks can be redone when an encounter moves.
CREATE TABLE media_index (
    media_id     TEXT PRIMARY KEY,
    encounter_id TEXT NOT NULL,
    stored       INTEGER NOT NULL DEFAULT 0,
    deleted      INTEGER NOT NULL DEFAULT 0,
    deleted_at   TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX media_index_encounter ON media_index (encounter_id);
CREATE INDEX media_index_deleted ON media_index (deleted, stored, deleted_at);

-- Resumable uploads in progress; the bytes are spooled under the data
-- directory.
CREATE TABLE uploads (
    id         TEXT PRIMARY KEY,
    media_id   TEXT NOT NULL UNIQUE,
    device_id  TEXT NOT NULL,
    length     INTEGER NOT NULL,
    sha256     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
) WITHOUT ROWID;
