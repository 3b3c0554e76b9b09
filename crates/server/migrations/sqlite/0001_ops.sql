-- Every op pushed, keyed by (space, device, seq): inserting one already there is a no-op.
CREATE TABLE ops (
    space TEXT NOT NULL,
    device TEXT NOT NULL,
    seq INTEGER NOT NULL,
    hlc INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (space, device, seq)
) WITHOUT ROWID;

-- One row per device: the highest seq stored. A push checks and moves it in one transaction,
-- so each device's ops are prefix-closed and a cursor never skips one.
CREATE TABLE devices (
    device TEXT PRIMARY KEY,
    max_seq INTEGER NOT NULL
) WITHOUT ROWID;

-- The version vector of each space: the highest seq stored per device in that space.
CREATE TABLE space_devices (
    space TEXT NOT NULL,
    device TEXT NOT NULL,
    max_seq INTEGER NOT NULL,
    PRIMARY KEY (space, device)
) WITHOUT ROWID;

-- The winning value of each scalar field, by (hlc, device): what a snapshot will serve.
CREATE TABLE state (
    space TEXT NOT NULL,
    tbl TEXT NOT NULL,
    row_id TEXT NOT NULL,
    field TEXT NOT NULL,
    hlc INTEGER NOT NULL,
    device TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (space, tbl, row_id, field)
) WITHOUT ROWID;
