-- rapport-server on PostgreSQL (and Postgres-compatible distributed engines): no sequences,
-- no LISTEN/NOTIFY, no advisory locks. Cursors are version vectors built from per-device seqs.

-- Every op pushed, keyed by (space, device, seq); `body` is the op's JSON exactly as pushed.
CREATE TABLE ops (
    space UUID NOT NULL,
    device UUID NOT NULL,
    seq BIGINT NOT NULL,
    hlc BIGINT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (space, device, seq)
);

-- One row per device: the highest seq stored. A push locks it (SELECT ... FOR UPDATE), so one
-- device's pushes are serialised and its ops are prefix-closed.
CREATE TABLE device_seqs (
    device UUID PRIMARY KEY,
    max_seq BIGINT NOT NULL
);

-- The version vector of each space: the highest seq stored per device in that space.
CREATE TABLE space_devices (
    space UUID NOT NULL,
    device UUID NOT NULL,
    max_seq BIGINT NOT NULL,
    PRIMARY KEY (space, device)
);

-- Every record of a space with its causal length (the highest seen).
CREATE TABLE records (
    space UUID NOT NULL,
    tbl TEXT NOT NULL,
    row_id UUID NOT NULL,
    cl BIGINT NOT NULL,
    PRIMARY KEY (space, tbl, row_id)
);

-- The winning value (JSON text) of each scalar field, by (hlc, device).
CREATE TABLE state (
    space UUID NOT NULL,
    tbl TEXT NOT NULL,
    row_id UUID NOT NULL,
    field TEXT NOT NULL,
    hlc BIGINT NOT NULL,
    device UUID NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (space, tbl, row_id, field)
);

-- Every text update of a field; a snapshot serves them merged into one.
CREATE TABLE texts (
    space UUID NOT NULL,
    tbl TEXT NOT NULL,
    row_id UUID NOT NULL,
    field TEXT NOT NULL,
    device UUID NOT NULL,
    seq BIGINT NOT NULL,
    update_v1 BYTEA NOT NULL,
    PRIMARY KEY (space, tbl, row_id, field, device, seq)
);

CREATE TABLE users (
    id UUID PRIMARY KEY,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE devices (
    id UUID PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    last_seen BIGINT,
    revoked BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX devices_by_user ON devices (user_id);

CREATE TABLE spaces (
    id UUID PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('private', 'team')),
    owner UUID NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX spaces_by_owner ON spaces (owner);

CREATE TABLE members (
    space UUID NOT NULL REFERENCES spaces (id),
    user_id UUID NOT NULL REFERENCES users (id),
    PRIMARY KEY (space, user_id)
);
CREATE INDEX members_by_user ON members (user_id, space);
