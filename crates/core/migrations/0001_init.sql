-- Rapport book, schema 1: the AE's records, the local bookkeeping and the outbox.
-- Shipped migrations are never edited; add a new numbered file instead.

CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
-- Devices whose clocks appear in this book; field clocks refer to them by idx.
CREATE TABLE devices (idx INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
-- Local changes waiting to be pushed, in device_seq order (SYNC.md).
CREATE TABLE outbox (
  seq INTEGER PRIMARY KEY,
  hlc INTEGER NOT NULL,
  space TEXT NOT NULL,
  tbl TEXT NOT NULL,
  row_id TEXT NOT NULL,
  body TEXT NOT NULL,
  schema_version INTEGER NOT NULL
);
-- Reminders this device has already notified (local: each laptop notifies once).
CREATE TABLE reminder_fired (reminder_id TEXT NOT NULL, due_at INTEGER NOT NULL, fired_at INTEGER NOT NULL, PRIMARY KEY (reminder_id, due_at)) WITHOUT ROWID;

CREATE TABLE accounts (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  space TEXT NOT NULL,
  cl INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER,
  updated_at INTEGER NOT NULL DEFAULT 0,
  _hlc INTEGER NOT NULL DEFAULT 0,
  _dev INTEGER NOT NULL DEFAULT 0,
  _clocks TEXT,
  name TEXT,
  domain TEXT,
  industry TEXT,
  tier TEXT,
  lifecycle TEXT,
  owner TEXT,
  annual_value_cents INTEGER,
  currency TEXT,
  timezone TEXT,
  cadence_days INTEGER,
  competitors TEXT,
  tags TEXT,
  parent_id TEXT,
  source_ref TEXT
);
CREATE INDEX accounts_name ON accounts (name);
CREATE INDEX accounts_tier_name ON accounts (tier, name);
CREATE INDEX accounts_lifecycle_name ON accounts (lifecycle, name);
CREATE INDEX accounts_owner_name ON accounts (owner, name);
CREATE INDEX accounts_domain ON accounts (domain);
CREATE INDEX accounts_annual_value_cents ON accounts (annual_value_cents);
CREATE INDEX accounts_source_ref ON accounts (source_ref);

CREATE TABLE contacts (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  space TEXT NOT NULL,
  cl INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER,
  updated_at INTEGER NOT NULL DEFAULT 0,
  _hlc INTEGER NOT NULL DEFAULT 0,
  _dev INTEGER NOT NULL DEFAULT 0,
  _clocks TEXT,
  account_id TEXT,
  first_name TEXT,
  last_name TEXT,
  title TEXT,
  email TEXT,
  phone TEXT,
  linkedin_url TEXT,
  reports_to TEXT,
  buying_role TEXT,
  comm_preference TEXT,
  personal_notes TEXT,
  personal_notes_doc BLOB,
  birthday TEXT,
  source_ref TEXT
);
CREATE INDEX contacts_account_id ON contacts (account_id);
CREATE INDEX contacts_email ON contacts (email);
CREATE INDEX contacts_reports_to ON contacts (reports_to);
CREATE INDEX contacts_last_name_first_name ON contacts (last_name, first_name);
CREATE INDEX contacts_source_ref ON contacts (source_ref);

CREATE TABLE notes (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  space TEXT NOT NULL,
  cl INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER,
  updated_at INTEGER NOT NULL DEFAULT 0,
  _hlc INTEGER NOT NULL DEFAULT 0,
  _dev INTEGER NOT NULL DEFAULT 0,
  _clocks TEXT,
  kind TEXT,
  occurred_at INTEGER,
  account_id TEXT,
  contact_ids TEXT,
  title TEXT,
  body TEXT,
  body_doc BLOB,
  outcome TEXT,
  next_steps TEXT,
  pinned INTEGER,
  meeting_id TEXT
);
CREATE INDEX notes_account_id_occurred_at ON notes (account_id, occurred_at);
CREATE INDEX notes_occurred_at ON notes (occurred_at);
CREATE INDEX notes_meeting_id ON notes (meeting_id);

CREATE TABLE meetings (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  space TEXT NOT NULL,
  cl INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER,
  updated_at INTEGER NOT NULL DEFAULT 0,
  _hlc INTEGER NOT NULL DEFAULT 0,
  _dev INTEGER NOT NULL DEFAULT 0,
  _clocks TEXT,
  title TEXT,
  starts_at INTEGER,
  ends_at INTEGER,
  timezone TEXT,
  location TEXT,
  link TEXT,
  account_id TEXT,
  attendee_ids TEXT,
  goal TEXT,
  agenda TEXT,
  agenda_doc BLOB,
  source_ref TEXT
);
CREATE INDEX meetings_starts_at ON meetings (starts_at);
CREATE INDEX meetings_account_id_starts_at ON meetings (account_id, starts_at);
CREATE INDEX meetings_source_ref ON meetings (source_ref);

CREATE TABLE products (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  space TEXT NOT NULL,
  cl INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER,
  updated_at INTEGER NOT NULL DEFAULT 0,
  _hlc INTEGER NOT NULL DEFAULT 0,
  _dev INTEGER NOT NULL DEFAULT 0,
  _clocks TEXT,
  name TEXT,
  sku TEXT,
  category TEXT,
  list_price_cents INTEGER,
  currency TEXT,
  active INTEGER
);

CREATE TABLE holdings (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  space TEXT NOT NULL,
  cl INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER,
  updated_at INTEGER NOT NULL DEFAULT 0,
  _hlc INTEGER NOT NULL DEFAULT 0,
  _dev INTEGER NOT NULL DEFAULT 0,
  _clocks TEXT,
  account_id TEXT,
  product_id TEXT,
  seats INTEGER,
  tier TEXT,
  since TEXT
);
CREATE INDEX holdings_account_id ON holdings (account_id);
CREATE INDEX holdings_product_id ON holdings (product_id);

CREATE TABLE opportunities (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  space TEXT NOT NULL,
  cl INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER,
  updated_at INTEGER NOT NULL DEFAULT 0,
  _hlc INTEGER NOT NULL DEFAULT 0,
  _dev INTEGER NOT NULL DEFAULT 0,
  _clocks TEXT,
  account_id TEXT,
  name TEXT,
  kind TEXT,
  product_ids TEXT,
  amount_cents INTEGER,
  currency TEXT,
  stage TEXT,
  probability INTEGER,
  close_date TEXT,
  next_step TEXT,
  competitor TEXT,
  lost_reason TEXT,
  stage_changed_at INTEGER,
  source_ref TEXT
);
CREATE INDEX opportunities_account_id ON opportunities (account_id);
CREATE INDEX opportunities_stage ON opportunities (stage);
CREATE INDEX opportunities_close_date ON opportunities (close_date);
CREATE INDEX opportunities_source_ref ON opportunities (source_ref);

CREATE TABLE contracts (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  space TEXT NOT NULL,
  cl INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER,
  updated_at INTEGER NOT NULL DEFAULT 0,
  _hlc INTEGER NOT NULL DEFAULT 0,
  _dev INTEGER NOT NULL DEFAULT 0,
  _clocks TEXT,
  account_id TEXT,
  name TEXT,
  product_ids TEXT,
  value_cents INTEGER,
  currency TEXT,
  start_date TEXT,
  end_date TEXT,
  notice_days INTEGER,
  auto_renew INTEGER
);
CREATE INDEX contracts_account_id ON contracts (account_id);
CREATE INDEX contracts_end_date ON contracts (end_date);

CREATE TABLE tasks (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  space TEXT NOT NULL,
  cl INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER,
  updated_at INTEGER NOT NULL DEFAULT 0,
  _hlc INTEGER NOT NULL DEFAULT 0,
  _dev INTEGER NOT NULL DEFAULT 0,
  _clocks TEXT,
  title TEXT,
  due_date TEXT,
  priority TEXT,
  account_id TEXT,
  contact_id TEXT,
  opportunity_id TEXT,
  meeting_id TEXT,
  done INTEGER,
  done_at INTEGER,
  notes TEXT
);
CREATE INDEX tasks_done_due_date ON tasks (done, due_date);
CREATE INDEX tasks_account_id ON tasks (account_id);

CREATE TABLE reminders (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  space TEXT NOT NULL,
  cl INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER,
  updated_at INTEGER NOT NULL DEFAULT 0,
  _hlc INTEGER NOT NULL DEFAULT 0,
  _dev INTEGER NOT NULL DEFAULT 0,
  _clocks TEXT,
  title TEXT,
  due_local TEXT,
  timezone TEXT,
  about_kind TEXT,
  about_id TEXT,
  snoozed_until INTEGER,
  done INTEGER,
  recurrence_days INTEGER
);
CREATE INDEX reminders_done_due_local ON reminders (done, due_local);

CREATE TABLE objections (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  space TEXT NOT NULL,
  cl INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER,
  updated_at INTEGER NOT NULL DEFAULT 0,
  _hlc INTEGER NOT NULL DEFAULT 0,
  _dev INTEGER NOT NULL DEFAULT 0,
  _clocks TEXT,
  statement TEXT,
  category TEXT,
  response TEXT,
  response_doc BLOB,
  account_id TEXT,
  contact_id TEXT,
  opportunity_id TEXT,
  raised_on TEXT,
  outcome TEXT
);
CREATE INDEX objections_account_id ON objections (account_id);
CREATE INDEX objections_contact_id ON objections (contact_id);
CREATE INDEX objections_category ON objections (category);

CREATE TABLE gifts (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  space TEXT NOT NULL,
  cl INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER,
  updated_at INTEGER NOT NULL DEFAULT 0,
  _hlc INTEGER NOT NULL DEFAULT 0,
  _dev INTEGER NOT NULL DEFAULT 0,
  _clocks TEXT,
  date TEXT,
  recipient_id TEXT,
  kind TEXT,
  description TEXT,
  value_cents INTEGER,
  currency TEXT
);
CREATE INDEX gifts_recipient_id_date ON gifts (recipient_id, date);
CREATE INDEX gifts_date ON gifts (date);

CREATE TABLE quotas (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  space TEXT NOT NULL,
  cl INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER,
  updated_at INTEGER NOT NULL DEFAULT 0,
  _hlc INTEGER NOT NULL DEFAULT 0,
  _dev INTEGER NOT NULL DEFAULT 0,
  _clocks TEXT,
  name TEXT,
  period_start TEXT,
  period_end TEXT,
  target_cents INTEGER,
  currency TEXT
);
CREATE INDEX quotas_period_start ON quotas (period_start);
