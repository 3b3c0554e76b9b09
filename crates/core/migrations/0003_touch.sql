-- Rapport book, schema 3: derived lookups kept in step by triggers.
-- account_touch: the last logged touch (note or interaction) per account, for "going cold".
-- note_contacts: which notes involve which contacts (from notes.contact_ids), for a contact's
-- timeline and last touches in a meeting brief.

CREATE TABLE account_touch (account_id TEXT PRIMARY KEY, last_touch INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE note_contacts (contact_id TEXT NOT NULL, note_rid INTEGER NOT NULL, occurred_at INTEGER, PRIMARY KEY (contact_id, note_rid)) WITHOUT ROWID;
CREATE INDEX note_contacts_note ON note_contacts (note_rid);
CREATE INDEX note_contacts_recent ON note_contacts (contact_id, occurred_at);

CREATE TRIGGER notes_touch_ai AFTER INSERT ON notes WHEN new.account_id IS NOT NULL AND new.cl % 2 = 1 BEGIN
  INSERT INTO account_touch (account_id, last_touch) VALUES (new.account_id, new.occurred_at)
    ON CONFLICT (account_id) DO UPDATE SET last_touch = max(last_touch, excluded.last_touch);
END;
CREATE TRIGGER notes_touch_au AFTER UPDATE OF occurred_at, account_id, cl ON notes BEGIN
  DELETE FROM account_touch WHERE account_id IN (old.account_id, new.account_id);
  INSERT INTO account_touch (account_id, last_touch)
    SELECT account_id, max(occurred_at) FROM notes
    WHERE account_id IN (old.account_id, new.account_id) AND cl % 2 = 1 AND occurred_at IS NOT NULL
    GROUP BY account_id;
END;
CREATE TRIGGER notes_touch_ad AFTER DELETE ON notes BEGIN
  DELETE FROM account_touch WHERE account_id = old.account_id;
  INSERT INTO account_touch (account_id, last_touch)
    SELECT account_id, max(occurred_at) FROM notes
    WHERE account_id = old.account_id AND cl % 2 = 1 AND occurred_at IS NOT NULL GROUP BY account_id;
END;

CREATE TRIGGER notes_contacts_ai AFTER INSERT ON notes WHEN new.contact_ids IS NOT NULL AND new.contact_ids <> '[]' BEGIN
  INSERT OR IGNORE INTO note_contacts (contact_id, note_rid, occurred_at)
    SELECT value, new.rid, new.occurred_at FROM json_each(new.contact_ids);
END;
CREATE TRIGGER notes_contacts_au AFTER UPDATE OF contact_ids, occurred_at ON notes BEGIN
  DELETE FROM note_contacts WHERE note_rid = old.rid;
  INSERT OR IGNORE INTO note_contacts (contact_id, note_rid, occurred_at)
    SELECT value, new.rid, new.occurred_at FROM json_each(coalesce(new.contact_ids, '[]'));
END;
CREATE TRIGGER notes_contacts_ad AFTER DELETE ON notes BEGIN
  DELETE FROM note_contacts WHERE note_rid = old.rid;
END;

INSERT INTO account_touch (account_id, last_touch)
  SELECT account_id, max(occurred_at) FROM notes
  WHERE account_id IS NOT NULL AND cl % 2 = 1 AND occurred_at IS NOT NULL GROUP BY account_id;
INSERT OR IGNORE INTO note_contacts (contact_id, note_rid, occurred_at)
  SELECT j.value, n.rid, n.occurred_at FROM notes n, json_each(n.contact_ids) j
  WHERE n.contact_ids IS NOT NULL;
