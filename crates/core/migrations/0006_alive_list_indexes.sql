-- Rapport book, schema 6: list indexes over live records only.
-- A page of accounts (`tier = 'A'` by name, at offset 40,000) filtered `cl % 2 = 1` read every
-- skipped row from the table to check it is not in Trash: tens of milliseconds in a book of
-- 100,000 accounts. Partial indexes of the live rows answer the filter and the order from the
-- index alone, so skipping rows costs next to nothing. They replace the full indexes on the
-- same columns (Trash lists are short and scan).

DROP INDEX accounts_name;
DROP INDEX accounts_tier_name;
DROP INDEX accounts_lifecycle_name;
DROP INDEX accounts_owner_name;
CREATE INDEX accounts_alive_name ON accounts (name) WHERE cl % 2 = 1;
CREATE INDEX accounts_alive_tier_name ON accounts (tier, name) WHERE cl % 2 = 1;
CREATE INDEX accounts_alive_lifecycle_name ON accounts (lifecycle, name) WHERE cl % 2 = 1;
CREATE INDEX accounts_alive_owner_name ON accounts (owner, name) WHERE cl % 2 = 1;

DROP INDEX contacts_last_name_first_name;
CREATE INDEX contacts_alive_last_name_first_name ON contacts (last_name, first_name) WHERE cl % 2 = 1;
