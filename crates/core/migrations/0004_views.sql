-- Rapport book, schema 4: what the derived views (Today, whitespace, gifts, quota) read, so
-- each answers from a few index ranges instead of scanning a book of 100,000 accounts.
--
-- live_accounts: the accounts not in Trash and not churned, with what "going cold" needs: the
-- tier (A, B or C; B when unknown), the account's own cadence if it has one, and since when it
-- has gone untouched (its last logged touch, else when it was made). Kept in step by triggers
-- on accounts and on account_touch (schema 3).
-- account_products: how many live holdings an account has of a product (two holdings of one
-- product still make one owner).
-- product_pairs: for products x and y, how many accounts own both; x = y: how many own x. So
-- "accounts that own X also own Y" is a lookup of a few rows, not a scan of every holding.
-- Covering indexes let Today, gift totals and quota count their rows without reading them.

CREATE TABLE live_accounts (
  account_id TEXT PRIMARY KEY,
  name TEXT,
  tier TEXT NOT NULL,
  cadence_days INTEGER,
  since INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX live_accounts_due ON live_accounts (cadence_days, tier, since);
CREATE INDEX live_accounts_name ON live_accounts (name);

CREATE TRIGGER accounts_live_ai AFTER INSERT ON accounts
WHEN new.cl % 2 = 1 AND coalesce(new.lifecycle, '') <> 'churned' BEGIN
  INSERT OR REPLACE INTO live_accounts (account_id, name, tier, cadence_days, since)
    VALUES (new.id, new.name, CASE WHEN new.tier IN ('A', 'C') THEN new.tier ELSE 'B' END, new.cadence_days,
            coalesce((SELECT last_touch FROM account_touch WHERE account_id = new.id), new.created_at, 0));
END;
CREATE TRIGGER accounts_live_au AFTER UPDATE OF name, tier, cadence_days, lifecycle, cl, created_at ON accounts BEGIN
  DELETE FROM live_accounts WHERE account_id = old.id;
  INSERT OR REPLACE INTO live_accounts (account_id, name, tier, cadence_days, since)
    SELECT new.id, new.name, CASE WHEN new.tier IN ('A', 'C') THEN new.tier ELSE 'B' END, new.cadence_days,
           coalesce((SELECT last_touch FROM account_touch WHERE account_id = new.id), new.created_at, 0)
    WHERE new.cl % 2 = 1 AND coalesce(new.lifecycle, '') <> 'churned';
END;
CREATE TRIGGER accounts_live_ad AFTER DELETE ON accounts BEGIN
  DELETE FROM live_accounts WHERE account_id = old.id;
END;
CREATE TRIGGER account_touch_live_ai AFTER INSERT ON account_touch BEGIN
  UPDATE live_accounts SET since = new.last_touch WHERE account_id = new.account_id;
END;
CREATE TRIGGER account_touch_live_au AFTER UPDATE OF last_touch ON account_touch BEGIN
  UPDATE live_accounts SET since = new.last_touch WHERE account_id = new.account_id;
END;
CREATE TRIGGER account_touch_live_ad AFTER DELETE ON account_touch BEGIN
  UPDATE live_accounts SET since = coalesce((SELECT created_at FROM accounts WHERE id = old.account_id), 0)
    WHERE account_id = old.account_id;
END;

INSERT INTO live_accounts (account_id, name, tier, cadence_days, since)
  SELECT a.id, a.name, CASE WHEN a.tier IN ('A', 'C') THEN a.tier ELSE 'B' END, a.cadence_days,
         coalesce(t.last_touch, a.created_at, 0)
  FROM accounts a LEFT JOIN account_touch t ON t.account_id = a.id
  WHERE a.cl % 2 = 1 AND coalesce(a.lifecycle, '') <> 'churned';

CREATE INDEX tasks_open_due ON tasks (done, due_date, cl);
CREATE INDEX reminders_open_due ON reminders (done, due_local, cl, snoozed_until);
CREATE INDEX contracts_ending ON contracts (end_date, cl, account_id);
CREATE INDEX opportunities_closing ON opportunities (close_date, cl, stage, probability, amount_cents);
CREATE INDEX gifts_given ON gifts (date, cl, recipient_id, kind, value_cents);

CREATE TABLE account_products (account_id TEXT NOT NULL, product_id TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (account_id, product_id)) WITHOUT ROWID;
CREATE TABLE product_pairs (x TEXT NOT NULL, y TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (x, y)) WITHOUT ROWID;

-- A live holding of (account, product) appears: the first one makes the account an owner, and
-- pairs the product with every product the account already owns (both ways) and with itself.
CREATE TRIGGER holdings_owner_ai AFTER INSERT ON holdings
WHEN new.cl % 2 = 1 AND new.account_id IS NOT NULL AND new.product_id IS NOT NULL BEGIN
  INSERT INTO product_pairs (x, y, n)
    SELECT new.product_id, product_id, 1 FROM account_products
      WHERE account_id = new.account_id
        AND NOT EXISTS (SELECT 1 FROM account_products WHERE account_id = new.account_id AND product_id = new.product_id)
    UNION ALL
    SELECT product_id, new.product_id, 1 FROM account_products
      WHERE account_id = new.account_id
        AND NOT EXISTS (SELECT 1 FROM account_products WHERE account_id = new.account_id AND product_id = new.product_id)
    UNION ALL
    SELECT new.product_id, new.product_id, 1
      WHERE NOT EXISTS (SELECT 1 FROM account_products WHERE account_id = new.account_id AND product_id = new.product_id)
    ON CONFLICT (x, y) DO UPDATE SET n = n + 1;
  INSERT INTO account_products (account_id, product_id, n) VALUES (new.account_id, new.product_id, 1)
    ON CONFLICT (account_id, product_id) DO UPDATE SET n = n + 1;
END;

-- A live holding goes (trashed, moved to another account or product, or removed): the last one
-- of a product unpairs it from everything the account owns.
CREATE TRIGGER holdings_owner_ad AFTER DELETE ON holdings
WHEN old.cl % 2 = 1 AND old.account_id IS NOT NULL AND old.product_id IS NOT NULL BEGIN
  UPDATE account_products SET n = n - 1 WHERE account_id = old.account_id AND product_id = old.product_id;
  UPDATE product_pairs SET n = n - 1
    WHERE EXISTS (SELECT 1 FROM account_products WHERE account_id = old.account_id AND product_id = old.product_id AND n <= 0)
      AND ((x = old.product_id AND y IN (SELECT product_id FROM account_products WHERE account_id = old.account_id))
        OR (y = old.product_id AND x IN (SELECT product_id FROM account_products WHERE account_id = old.account_id)));
  DELETE FROM product_pairs WHERE (x = old.product_id OR y = old.product_id) AND n <= 0;
  DELETE FROM account_products WHERE account_id = old.account_id AND product_id = old.product_id AND n <= 0;
END;

CREATE TRIGGER holdings_owner_au_old AFTER UPDATE OF account_id, product_id, cl ON holdings
WHEN old.cl % 2 = 1 AND old.account_id IS NOT NULL AND old.product_id IS NOT NULL BEGIN
  UPDATE account_products SET n = n - 1 WHERE account_id = old.account_id AND product_id = old.product_id;
  UPDATE product_pairs SET n = n - 1
    WHERE EXISTS (SELECT 1 FROM account_products WHERE account_id = old.account_id AND product_id = old.product_id AND n <= 0)
      AND ((x = old.product_id AND y IN (SELECT product_id FROM account_products WHERE account_id = old.account_id))
        OR (y = old.product_id AND x IN (SELECT product_id FROM account_products WHERE account_id = old.account_id)));
  DELETE FROM product_pairs WHERE (x = old.product_id OR y = old.product_id) AND n <= 0;
  DELETE FROM account_products WHERE account_id = old.account_id AND product_id = old.product_id AND n <= 0;
END;

CREATE TRIGGER holdings_owner_au_new AFTER UPDATE OF account_id, product_id, cl ON holdings
WHEN new.cl % 2 = 1 AND new.account_id IS NOT NULL AND new.product_id IS NOT NULL BEGIN
  INSERT INTO product_pairs (x, y, n)
    SELECT new.product_id, product_id, 1 FROM account_products
      WHERE account_id = new.account_id
        AND NOT EXISTS (SELECT 1 FROM account_products WHERE account_id = new.account_id AND product_id = new.product_id)
    UNION ALL
    SELECT product_id, new.product_id, 1 FROM account_products
      WHERE account_id = new.account_id
        AND NOT EXISTS (SELECT 1 FROM account_products WHERE account_id = new.account_id AND product_id = new.product_id)
    UNION ALL
    SELECT new.product_id, new.product_id, 1
      WHERE NOT EXISTS (SELECT 1 FROM account_products WHERE account_id = new.account_id AND product_id = new.product_id)
    ON CONFLICT (x, y) DO UPDATE SET n = n + 1;
  INSERT INTO account_products (account_id, product_id, n) VALUES (new.account_id, new.product_id, 1)
    ON CONFLICT (account_id, product_id) DO UPDATE SET n = n + 1;
END;

INSERT INTO account_products (account_id, product_id, n)
  SELECT account_id, product_id, count(*) FROM holdings
  WHERE cl % 2 = 1 AND account_id IS NOT NULL AND product_id IS NOT NULL
  GROUP BY account_id, product_id;
INSERT INTO product_pairs (x, y, n)
  SELECT a.product_id, b.product_id, count(*) FROM account_products a JOIN account_products b ON b.account_id = a.account_id
  WHERE true GROUP BY a.product_id, b.product_id;
