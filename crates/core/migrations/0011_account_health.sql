-- Rapport book, schema 11: each account's health band, stored so the accounts list can be
-- filtered by it (a book of 100,000 accounts cannot compute health per row per page).
--
-- account_health: the band (good, attention, risk) and score that core's one health rule
-- (views/overview.rs) gave the account, and `fresh_until`: the first instant (ms) at which the
-- passage of time alone would change it (a touch going past its cadence, a task falling
-- overdue, a contract entering or leaving its renewal window, a deal stalling); i64::MAX when
-- nothing would. Local and derived: never synced, recomputed from the records.
-- account_health_dirty: accounts whose inputs changed since their band was computed. Triggers
-- on the inputs (accounts, last touches, tasks, opportunities, contracts) add to it; core
-- recomputes those accounts and the expired ones before it filters by health, and at start.
-- A change of settings or of the laptop's time zone is caught by a fingerprint in `meta`.

CREATE TABLE account_health (
  account_id TEXT PRIMARY KEY,
  band TEXT NOT NULL,
  score INTEGER NOT NULL,
  fresh_until INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX account_health_band ON account_health (band);
CREATE INDEX account_health_fresh_until ON account_health (fresh_until);

CREATE TABLE account_health_dirty (account_id TEXT PRIMARY KEY) WITHOUT ROWID;

CREATE TRIGGER accounts_health_ai AFTER INSERT ON accounts BEGIN
  INSERT INTO account_health_dirty (account_id) SELECT new.id WHERE NOT EXISTS (SELECT 1 FROM account_health_dirty WHERE account_id = new.id);
END;
CREATE TRIGGER accounts_health_au AFTER UPDATE OF created_at, tier, cadence_days, competitors, cl ON accounts BEGIN
  INSERT INTO account_health_dirty (account_id) SELECT new.id WHERE NOT EXISTS (SELECT 1 FROM account_health_dirty WHERE account_id = new.id);
END;
CREATE TRIGGER accounts_health_ad AFTER DELETE ON accounts BEGIN
  DELETE FROM account_health WHERE account_id = old.id;
END;

CREATE TRIGGER account_touch_health_ai AFTER INSERT ON account_touch BEGIN
  INSERT INTO account_health_dirty (account_id) SELECT new.account_id WHERE NOT EXISTS (SELECT 1 FROM account_health_dirty WHERE account_id = new.account_id);
END;
CREATE TRIGGER account_touch_health_au AFTER UPDATE ON account_touch BEGIN
  INSERT INTO account_health_dirty (account_id) SELECT new.account_id WHERE NOT EXISTS (SELECT 1 FROM account_health_dirty WHERE account_id = new.account_id);
END;
CREATE TRIGGER account_touch_health_ad AFTER DELETE ON account_touch BEGIN
  INSERT INTO account_health_dirty (account_id) SELECT old.account_id WHERE NOT EXISTS (SELECT 1 FROM account_health_dirty WHERE account_id = old.account_id);
END;

CREATE TRIGGER tasks_health_ai AFTER INSERT ON tasks WHEN new.account_id IS NOT NULL BEGIN
  INSERT INTO account_health_dirty (account_id) SELECT new.account_id WHERE NOT EXISTS (SELECT 1 FROM account_health_dirty WHERE account_id = new.account_id);
END;
CREATE TRIGGER tasks_health_au AFTER UPDATE OF account_id, done, due_date, cl ON tasks BEGIN
  INSERT INTO account_health_dirty (account_id)
    SELECT value FROM (SELECT old.account_id AS value UNION SELECT new.account_id)
    WHERE value IS NOT NULL AND NOT EXISTS (SELECT 1 FROM account_health_dirty WHERE account_id = value);
END;
CREATE TRIGGER tasks_health_ad AFTER DELETE ON tasks WHEN old.account_id IS NOT NULL BEGIN
  INSERT INTO account_health_dirty (account_id) SELECT old.account_id WHERE NOT EXISTS (SELECT 1 FROM account_health_dirty WHERE account_id = old.account_id);
END;

CREATE TRIGGER opportunities_health_ai AFTER INSERT ON opportunities WHEN new.account_id IS NOT NULL BEGIN
  INSERT INTO account_health_dirty (account_id) SELECT new.account_id WHERE NOT EXISTS (SELECT 1 FROM account_health_dirty WHERE account_id = new.account_id);
END;
CREATE TRIGGER opportunities_health_au AFTER UPDATE OF account_id, stage, competitor, stage_changed_at, created_at, cl ON opportunities BEGIN
  INSERT INTO account_health_dirty (account_id)
    SELECT value FROM (SELECT old.account_id AS value UNION SELECT new.account_id)
    WHERE value IS NOT NULL AND NOT EXISTS (SELECT 1 FROM account_health_dirty WHERE account_id = value);
END;
CREATE TRIGGER opportunities_health_ad AFTER DELETE ON opportunities WHEN old.account_id IS NOT NULL BEGIN
  INSERT INTO account_health_dirty (account_id) SELECT old.account_id WHERE NOT EXISTS (SELECT 1 FROM account_health_dirty WHERE account_id = old.account_id);
END;

CREATE TRIGGER contracts_health_ai AFTER INSERT ON contracts WHEN new.account_id IS NOT NULL BEGIN
  INSERT INTO account_health_dirty (account_id) SELECT new.account_id WHERE NOT EXISTS (SELECT 1 FROM account_health_dirty WHERE account_id = new.account_id);
END;
CREATE TRIGGER contracts_health_au AFTER UPDATE OF account_id, end_date, cl ON contracts BEGIN
  INSERT INTO account_health_dirty (account_id)
    SELECT value FROM (SELECT old.account_id AS value UNION SELECT new.account_id)
    WHERE value IS NOT NULL AND NOT EXISTS (SELECT 1 FROM account_health_dirty WHERE account_id = value);
END;
CREATE TRIGGER contracts_health_ad AFTER DELETE ON contracts WHEN old.account_id IS NOT NULL BEGIN
  INSERT INTO account_health_dirty (account_id) SELECT old.account_id WHERE NOT EXISTS (SELECT 1 FROM account_health_dirty WHERE account_id = old.account_id);
END;

-- Every existing account gets its band at the next start. (Triggers test NOT EXISTS rather than
-- INSERT OR IGNORE: a statement that fires them with its own conflict policy, such as the
-- account_touch upsert, overrides theirs and a duplicate would abort the write.)
INSERT OR IGNORE INTO account_health_dirty (account_id) SELECT id FROM accounts;
