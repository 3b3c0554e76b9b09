-- Rapport book, schema 8: what the sync engine keeps (SYNC.md "Merge rules", "Client").

-- Concurrent versions of one field (its "heads": writes nobody has overwritten having seen
-- them). Kept only while a field has more than one; the highest (hlc, device) is the value
-- shown, the others are the conflicts the user may pick from (list fields: their union).
CREATE TABLE field_heads (
  tbl TEXT NOT NULL,
  row_id TEXT NOT NULL,
  field TEXT NOT NULL,
  hlc INTEGER NOT NULL,
  dev INTEGER NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (tbl, row_id, field, hlc, dev)
) WITHOUT ROWID;

-- Versions known to have been overwritten by someone who had seen them (an op's prev). A
-- version arriving after its successor is then not mistaken for a concurrent one.
CREATE TABLE field_superseded (
  tbl TEXT NOT NULL,
  row_id TEXT NOT NULL,
  field TEXT NOT NULL,
  hlc INTEGER NOT NULL,
  PRIMARY KEY (tbl, row_id, field, hlc)
) WITHOUT ROWID;

-- The op that gave a record its causal length: a deleted record edited by an op with a later
-- clock shows in Trash as "edited after delete".
CREATE TABLE row_cl (
  tbl TEXT NOT NULL,
  row_id TEXT NOT NULL,
  cl INTEGER NOT NULL,
  hlc INTEGER NOT NULL,
  dev INTEGER NOT NULL,
  PRIMARY KEY (tbl, row_id)
) WITHOUT ROWID;

-- Where pulling resumes in each space (a version vector, JSON), and what the space is.
CREATE TABLE sync_spaces (
  space TEXT PRIMARY KEY,
  name TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL DEFAULT 'private',
  cursor TEXT NOT NULL DEFAULT '{}',
  snapshot_done INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
