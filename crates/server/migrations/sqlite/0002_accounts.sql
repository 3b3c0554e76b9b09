-- Accounts, devices with their tokens, spaces and members; snapshots of whole records.

-- The per-device high-water seq keeps its own table; `devices` now means registered devices.
ALTER TABLE devices RENAME TO device_seqs;

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    -- The email lower-cased: unique, so two sign-ups differing only in case collide.
    email_key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    -- argon2id, PHC string format.
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    -- SHA-256 of the device's random token (hex); the token itself is never stored.
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    last_seen INTEGER,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX devices_by_user ON devices (user_id);

CREATE TABLE spaces (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('private', 'team')),
    owner TEXT NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL
);
CREATE INDEX spaces_by_owner ON spaces (owner);

CREATE TABLE members (
    space TEXT NOT NULL REFERENCES spaces (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (space, user_id)
) WITHOUT ROWID;
CREATE INDEX members_by_user ON members (user_id, space);

-- Every record of a space with its causal length (the highest seen): the snapshot's key list.
CREATE TABLE records (
    space TEXT NOT NULL,
    tbl TEXT NOT NULL,
    row_id TEXT NOT NULL,
    cl INTEGER NOT NULL,
    PRIMARY KEY (space, tbl, row_id)
) WITHOUT ROWID;

-- Every text update of a field; a snapshot serves them merged into one.
CREATE TABLE texts (
    space TEXT NOT NULL,
    tbl TEXT NOT NULL,
    row_id TEXT NOT NULL,
    field TEXT NOT NULL,
    device TEXT NOT NULL,
    seq INTEGER NOT NULL,
    update_v1 BLOB NOT NULL,
    PRIMARY KEY (space, tbl, row_id, field, device, seq)
) WITHOUT ROWID;

INSERT INTO records (space, tbl, row_id, cl)
SELECT space, json_extract(body, '$.table'), json_extract(body, '$.row'), max(coalesce(json_extract(body, '$.cl'), 0))
FROM ops GROUP BY 1, 2, 3;
