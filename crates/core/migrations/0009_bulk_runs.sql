-- Rapport book, schema 9: a bulk write (an import) queues its creates as runs, not one outbox
-- row per record, and an import batch records what it created as ranges.
--
-- An outbox entry with `rid_from` set stands for `n` create ops, seq .. seq + n - 1: those of
-- the records rid_from .. rid_from + n - 1 of the kind `tbl`, created in that order by this
-- device. The ops are rebuilt from the records (store/write.rs `read_outbox`): each record still
-- holds what it was created with, because before a record of a run is changed its create op is
-- written out as an ordinary entry and the run is split around it. Other entries have `n` 1.
ALTER TABLE outbox ADD COLUMN n INTEGER NOT NULL DEFAULT 1;
ALTER TABLE outbox ADD COLUMN rid_from INTEGER;
CREATE INDEX outbox_runs ON outbox (tbl, rid_from) WHERE rid_from IS NOT NULL;

-- The records an import batch created, as ranges of rids of one kind: rid_from .. rid_from + n - 1.
-- `seq` shares the batch's sequence with import_changes, so undo walks both in one order.
CREATE TABLE import_created (
  batch_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  rid_from INTEGER NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (batch_id, seq)
) WITHOUT ROWID;
