-- Rapport book, schema 7: import batches (so each can be undone) and saved column mappings.
-- Both are local to this laptop: the records an import writes sync as ordinary ops.

-- One import run: which files, when, what it did, and whether it was undone.
CREATE TABLE import_batches (
  id TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL,
  source TEXT NOT NULL,
  summary TEXT NOT NULL,
  undone_at INTEGER
) WITHOUT ROWID;

-- Every record a batch created, changed or sent to Trash; for a change, the fields' previous
-- values (JSON).
CREATE TABLE import_changes (
  batch_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  record_id TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('created', 'updated', 'trashed')),
  previous TEXT,
  PRIMARY KEY (batch_id, seq)
) WITHOUT ROWID;

-- Column mappings the user saved for files from a tool Rapport does not recognise.
CREATE TABLE import_mappings (
  name TEXT PRIMARY KEY,
  mapping TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;

-- The highest SEQUENCE seen per calendar UID: an older copy of an invite is ignored.
CREATE TABLE ics_events (
  uid TEXT PRIMARY KEY,
  sequence INTEGER NOT NULL
) WITHOUT ROWID;
