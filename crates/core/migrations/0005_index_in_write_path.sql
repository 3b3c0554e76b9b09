-- Rapport book, schema 5: the full-text index is kept by the write path, not by triggers.
-- An insert that fires a trigger writing to an FTS5 table opens a statement savepoint, and FTS5
-- flushes its pending terms to disk at every savepoint: a bulk load wrote one tiny index segment
-- per row and spent most of its time merging them. The write path now indexes the rows a
-- transaction wrote once, at its end (store/write.rs). The delete triggers stay, for rows ever
-- removed outright (the app only moves records to Trash).

DROP TRIGGER accounts_fts_ai;
DROP TRIGGER accounts_fts_au;
DROP TRIGGER contacts_fts_ai;
DROP TRIGGER contacts_fts_au;
DROP TRIGGER notes_fts_ai;
DROP TRIGGER notes_fts_au;
DROP TRIGGER opportunities_fts_ai;
DROP TRIGGER opportunities_fts_au;
DROP TRIGGER objections_fts_ai;
DROP TRIGGER objections_fts_au;

-- Index in larger steps: FTS5 writes its pending terms out as a new segment every 1 MB by
-- default; 16 MB makes fewer, larger segments to merge when many rows are written at once
-- (a sync catching up, an import, a demo book). Memory is used only while such a write runs.
INSERT INTO accounts_fts (accounts_fts, rank) VALUES ('hashsize', 16777216);
INSERT INTO contacts_fts (contacts_fts, rank) VALUES ('hashsize', 16777216);
INSERT INTO notes_fts (notes_fts, rank) VALUES ('hashsize', 16777216);
INSERT INTO opportunities_fts (opportunities_fts, rank) VALUES ('hashsize', 16777216);
INSERT INTO objections_fts (objections_fts, rank) VALUES ('hashsize', 16777216);
