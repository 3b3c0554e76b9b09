-- Rapport book, schema 2: full-text search over accounts, contacts, notes, opportunities and
-- objections. External-content FTS5 tables (no second copy of the text), kept in step by
-- triggers, so every write path (local edits, applied sync ops) indexes the same way.

CREATE VIRTUAL TABLE accounts_fts USING fts5(name, domain, industry, tags, content='accounts', content_rowid='rid', tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE contacts_fts USING fts5(first_name, last_name, title, email, personal_notes, content='contacts', content_rowid='rid', tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE notes_fts USING fts5(title, body, content='notes', content_rowid='rid', tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE opportunities_fts USING fts5(name, next_step, competitor, content='opportunities', content_rowid='rid', tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE objections_fts USING fts5(statement, response, content='objections', content_rowid='rid', tokenize='unicode61 remove_diacritics 2');

CREATE TRIGGER accounts_fts_ai AFTER INSERT ON accounts BEGIN
  INSERT INTO accounts_fts(rowid, name, domain, industry, tags) VALUES (new.rid, new.name, new.domain, new.industry, new.tags);
END;
CREATE TRIGGER accounts_fts_ad AFTER DELETE ON accounts BEGIN
  INSERT INTO accounts_fts(accounts_fts, rowid, name, domain, industry, tags) VALUES ('delete', old.rid, old.name, old.domain, old.industry, old.tags);
END;
CREATE TRIGGER accounts_fts_au AFTER UPDATE OF name, domain, industry, tags ON accounts BEGIN
  INSERT INTO accounts_fts(accounts_fts, rowid, name, domain, industry, tags) VALUES ('delete', old.rid, old.name, old.domain, old.industry, old.tags);
  INSERT INTO accounts_fts(rowid, name, domain, industry, tags) VALUES (new.rid, new.name, new.domain, new.industry, new.tags);
END;
INSERT INTO accounts_fts(accounts_fts) VALUES ('rebuild');
CREATE TRIGGER contacts_fts_ai AFTER INSERT ON contacts BEGIN
  INSERT INTO contacts_fts(rowid, first_name, last_name, title, email, personal_notes) VALUES (new.rid, new.first_name, new.last_name, new.title, new.email, new.personal_notes);
END;
CREATE TRIGGER contacts_fts_ad AFTER DELETE ON contacts BEGIN
  INSERT INTO contacts_fts(contacts_fts, rowid, first_name, last_name, title, email, personal_notes) VALUES ('delete', old.rid, old.first_name, old.last_name, old.title, old.email, old.personal_notes);
END;
CREATE TRIGGER contacts_fts_au AFTER UPDATE OF first_name, last_name, title, email, personal_notes ON contacts BEGIN
  INSERT INTO contacts_fts(contacts_fts, rowid, first_name, last_name, title, email, personal_notes) VALUES ('delete', old.rid, old.first_name, old.last_name, old.title, old.email, old.personal_notes);
  INSERT INTO contacts_fts(rowid, first_name, last_name, title, email, personal_notes) VALUES (new.rid, new.first_name, new.last_name, new.title, new.email, new.personal_notes);
END;
INSERT INTO contacts_fts(contacts_fts) VALUES ('rebuild');
CREATE TRIGGER notes_fts_ai AFTER INSERT ON notes BEGIN
  INSERT INTO notes_fts(rowid, title, body) VALUES (new.rid, new.title, new.body);
END;
CREATE TRIGGER notes_fts_ad AFTER DELETE ON notes BEGIN
  INSERT INTO notes_fts(notes_fts, rowid, title, body) VALUES ('delete', old.rid, old.title, old.body);
END;
CREATE TRIGGER notes_fts_au AFTER UPDATE OF title, body ON notes BEGIN
  INSERT INTO notes_fts(notes_fts, rowid, title, body) VALUES ('delete', old.rid, old.title, old.body);
  INSERT INTO notes_fts(rowid, title, body) VALUES (new.rid, new.title, new.body);
END;
INSERT INTO notes_fts(notes_fts) VALUES ('rebuild');
CREATE TRIGGER opportunities_fts_ai AFTER INSERT ON opportunities BEGIN
  INSERT INTO opportunities_fts(rowid, name, next_step, competitor) VALUES (new.rid, new.name, new.next_step, new.competitor);
END;
CREATE TRIGGER opportunities_fts_ad AFTER DELETE ON opportunities BEGIN
  INSERT INTO opportunities_fts(opportunities_fts, rowid, name, next_step, competitor) VALUES ('delete', old.rid, old.name, old.next_step, old.competitor);
END;
CREATE TRIGGER opportunities_fts_au AFTER UPDATE OF name, next_step, competitor ON opportunities BEGIN
  INSERT INTO opportunities_fts(opportunities_fts, rowid, name, next_step, competitor) VALUES ('delete', old.rid, old.name, old.next_step, old.competitor);
  INSERT INTO opportunities_fts(rowid, name, next_step, competitor) VALUES (new.rid, new.name, new.next_step, new.competitor);
END;
INSERT INTO opportunities_fts(opportunities_fts) VALUES ('rebuild');
CREATE TRIGGER objections_fts_ai AFTER INSERT ON objections BEGIN
  INSERT INTO objections_fts(rowid, statement, response) VALUES (new.rid, new.statement, new.response);
END;
CREATE TRIGGER objections_fts_ad AFTER DELETE ON objections BEGIN
  INSERT INTO objections_fts(objections_fts, rowid, statement, response) VALUES ('delete', old.rid, old.statement, old.response);
END;
CREATE TRIGGER objections_fts_au AFTER UPDATE OF statement, response ON objections BEGIN
  INSERT INTO objections_fts(objections_fts, rowid, statement, response) VALUES ('delete', old.rid, old.statement, old.response);
  INSERT INTO objections_fts(rowid, statement, response) VALUES (new.rid, new.statement, new.response);
END;
INSERT INTO objections_fts(objections_fts) VALUES ('rebuild');
