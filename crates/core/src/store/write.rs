//! The one write path (SYNC.md "Client"): in one SQLite transaction, change the row, its
//! per-field clocks, and append the op to the outbox. Local edits and ops applied from another
//! device both come through here, so the search index and derived lookups see every change.
//!
//! Derived lookups are kept by triggers. The full-text index is kept here: a transaction
//! notes which searchable rows it wrote and indexes them once, at its end ([`WriteTx::finish`]).
//! FTS5 flushes its pending terms to disk whenever a statement opens a savepoint, which every
//! insert firing an indexing trigger does; indexed at the end, a bulk load of 20,000 notes
//! writes a few large index segments instead of 20,000 one-row ones (about 3x faster).

use super::codec::{from_sql, instant_json, to_sql};
use super::heads::{self, Head};
use super::search::fts_columns;
use super::{meta_set, text, DeviceInfo};
use crate::clock::Clock;
use crate::domain::{EntityKind, FieldSpec, FieldTy, Id};
use crate::error::{Error, Result};
use crate::hlc::Hlc;
use crate::sync::protocol::{Op, OpBody, TextUpdate, SCHEMA_VERSION};
use rusqlite::types::Value as Sql;
use rusqlite::{params_from_iter, OptionalExtension, Transaction};
use serde_json::{Map, Value};
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;
use uuid::Uuid;

/// A field clock: the hlc of the write and the index of the device that made it.
type FieldClock = (i64, i64);
type Clocks = BTreeMap<String, FieldClock>;

/// What changed in a committed transaction, for change events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Changed {
    pub kind: EntityKind,
    pub id: Id,
}

pub struct WriteTx<'a> {
    tx: &'a Transaction<'a>,
    device: DeviceInfo,
    client: u64,
    clock: &'a dyn Clock,
    hlc: Hlc,
    seq: u64,
    changed: Vec<Changed>,
    devices: HashMap<i64, Uuid>,
    /// Searchable rows written by this transaction, indexed by [`WriteTx::finish`].
    fts: BTreeMap<(EntityKind, i64), FtsPending>,
    /// Records known to be alive (created here, or checked by [`WriteTx::exists`]): a bulk
    /// import links 100,000 contacts to a few thousand accounts. Only a change of a record's
    /// causal length (Trash, restore, a remote op) can make one not alive; those drop it.
    alive: HashSet<(EntityKind, Id)>,
    /// Creates are queued as runs (see [`WriteTx::bulk`]).
    bulk: bool,
    /// The run of creates being queued, written to the outbox when it ends.
    run: Option<Run>,
    /// The rowid of the last record [`WriteTx::create`] wrote.
    last_rid: i64,
    /// In bulk mode with the memory limit lifted: the limit to put back when it ends.
    lifted: Option<i64>,
}

/// Consecutive creates of one kind in one space, with consecutive seqs and rowids: one outbox
/// entry stands for all their ops (migration 9), rebuilt from the records by [`read_outbox`].
#[derive(Debug, Clone)]
struct Run {
    kind: EntityKind,
    space: Uuid,
    seq_from: u64,
    hlc_from: Hlc,
    first: Id,
    rid_from: i64,
    n: i64,
}

/// Index work for one row.
struct FtsPending {
    /// The indexed values before this transaction (`None`: the row is new).
    before: Option<Vec<Sql>>,
}

struct RowState {
    rid: i64,
    cl: i64,
    base: FieldClock,
    clocks: Clocks,
    updated_at: i64,
}

impl RowState {
    fn clock_of(&self, field: &str) -> FieldClock {
        self.clocks.get(field).copied().unwrap_or(self.base)
    }
}

const CREATED_AT: FieldSpec = FieldSpec { name: "created_at", ty: FieldTy::Instant };
/// The record's space, written like a field when a record moves between spaces.
const SPACE: FieldSpec = FieldSpec { name: "space", ty: FieldTy::Text };

fn insert_sql(kind: EntityKind) -> &'static str {
    static SQL: OnceLock<HashMap<EntityKind, String>> = OnceLock::new();
    let map = SQL.get_or_init(|| {
        EntityKind::ALL
            .into_iter()
            .map(|k| {
                let mut cols = vec!["id", "space", "cl", "created_at", "updated_at", "_hlc", "_dev", "_clocks"]
                    .into_iter()
                    .map(String::from)
                    .collect::<Vec<_>>();
                for f in k.fields() {
                    cols.push(f.name.to_string());
                    if f.ty == FieldTy::RichText {
                        cols.push(format!("{}_doc", f.name));
                    }
                }
                let marks = (1..=cols.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
                (k, format!("INSERT INTO {} ({}) VALUES ({})", k.table(), cols.join(", "), marks))
            })
            .collect()
    });
    map.get(&kind).map(String::as_str).unwrap_or("")
}

impl<'a> WriteTx<'a> {
    pub(crate) fn new(tx: &'a Transaction<'a>, device: DeviceInfo, clock: &'a dyn Clock, hlc: Hlc, seq: u64) -> Self {
        WriteTx {
            tx,
            device,
            client: text::client_id(&device.device),
            clock,
            hlc,
            seq,
            changed: Vec::new(),
            devices: HashMap::from([(device.idx, device.device)]),
            fts: BTreeMap::new(),
            alive: HashSet::new(),
            bulk: false,
            run: None,
            last_rid: 0,
            lifted: None,
        }
    }

    /// Bulk mode, for the rest of this transaction (an import): each create still writes its
    /// record, search entry and op, but consecutive creates of one kind share one outbox entry
    /// that stands for their create ops by reference to the records (migration 9). The ops
    /// [`read_outbox`] gives are the ones ordinary creates would have queued: before a record of
    /// a run changes, its create op is written out as it was (see `write_out_create`).
    ///
    /// A bulk write also lifts SQLite's memory limit ([`super::limit_sqlite_memory`]) until
    /// the transaction ends: it touches index pages all over the book, and a writer cache that
    /// cannot grow decrypts the same pages again and again.
    pub fn bulk(&mut self) {
        self.bulk = true;
        if self.lifted.is_none() {
            let limit = super::soft_heap_limit();
            if limit > 0 {
                super::set_soft_heap_limit(0);
                self.lifted = Some(limit);
            }
        }
    }

    /// The memory limit [`WriteTx::bulk`] lifted, for the store to put back after the commit.
    pub(crate) fn lifted_limit(&self) -> Option<i64> {
        self.lifted
    }

    /// The rowid of the record the last [`WriteTx::create`] wrote (0: none yet).
    pub fn last_rid(&self) -> i64 {
        self.last_rid
    }

    /// Persists the clock and sequence with the transaction; returns them and what changed.
    pub(crate) fn finish(mut self) -> Result<(Hlc, u64, Vec<Changed>)> {
        self.flush_run()?;
        self.index_text()?;
        meta_set(self.tx, "hlc", &self.hlc.as_i64().to_string())?;
        meta_set(self.tx, "device_seq", &self.seq.to_string())?;
        Ok((self.hlc, self.seq, self.changed))
    }

    pub fn conn(&self) -> &rusqlite::Connection {
        self.tx
    }

    pub fn device(&self) -> DeviceInfo {
        self.device
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Whether a record exists and is not in Trash (as [`super::query::exists`], remembered
    /// for the rest of the transaction).
    pub fn exists(&mut self, kind: EntityKind, id: &Id) -> Result<bool> {
        if self.alive.contains(&(kind, *id)) {
            return Ok(true);
        }
        let alive = super::query::exists(self.tx, kind, id)?;
        if alive {
            self.alive.insert((kind, *id));
        }
        Ok(alive)
    }

    fn tick(&mut self) -> Hlc {
        let wall = self.clock.now().timestamp_millis().max(0) as u64;
        self.hlc = Hlc::tick(self.hlc, wall);
        self.hlc
    }

    fn row_state(&self, kind: EntityKind, id: &Id) -> Result<Option<RowState>> {
        let sql = format!("SELECT rid, cl, _hlc, _dev, _clocks, updated_at FROM {} WHERE id = ?1", kind.table());
        let mut stmt = self.tx.prepare_cached(&sql)?;
        let row = stmt
            .query_row([id.to_string()], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?, r.get::<_, i64>(3)?, r.get::<_, Option<String>>(4)?, r.get::<_, i64>(5)?))
            })
            .optional()?;
        Ok(match row {
            None => None,
            Some((rid, cl, h, d, clocks, updated_at)) => Some(RowState {
                rid,
                cl,
                base: (h, d),
                clocks: match clocks {
                    Some(s) => serde_json::from_str(&s)?,
                    None => Clocks::new(),
                },
                updated_at,
            }),
        })
    }

    /// A text field's CRDT. A local create stores no copy of it: its doc is one insert of the
    /// whole text by the creating client, rebuilt exactly (same client, same clocks) from the
    /// plain copy. `<field>_doc` then holds [`IMPLICIT_DOC`] and that client's id.
    fn load_doc(&self, kind: EntityKind, rid: i64, field: &str) -> Result<yrs::Doc> {
        let sql = format!("SELECT {field}_doc, {field} FROM {} WHERE rid = ?1", kind.table());
        let (bytes, plain): (Option<Vec<u8>>, Option<String>) =
            self.tx.prepare_cached(&sql)?.query_row([rid], |r| Ok((r.get(0)?, r.get(1)?)))?;
        match bytes.as_deref().and_then(|b| implicit_client(b, self.client)) {
            Some(client) => {
                let doc = text::load(client, None)?;
                text::set_text(&doc, plain.as_deref().unwrap_or(""));
                // Edits from here on are this device's.
                text::load(self.client, Some(&text::state(&doc)))
            }
            None => text::load(self.client, bytes.as_deref()),
        }
    }

    fn append_outbox(&mut self, kind: EntityKind, id: &Id, space: &Uuid, hlc: Hlc, body: &OpBody) -> Result<()> {
        self.seq += 1;
        insert_op(self.tx, self.seq, hlc, space, kind, id, &serde_json::to_string(body)?, SCHEMA_VERSION, 1, None)?;
        self.changed.push(Changed { kind, id: *id });
        Ok(())
    }

    /// Creates a record from its fields (a JSON object as serde makes it from the entity).
    pub fn create(&mut self, kind: EntityKind, id: Id, data: &Map<String, Value>) -> Result<()> {
        let hlc = self.tick();
        let space = self.device.space;
        let created = self.clock.now().timestamp_millis();
        let mut params: Vec<Sql> = Vec::with_capacity(8 + kind.fields().len() + 1);
        params.extend([
            Sql::Text(id.to_string()),
            Sql::Text(space.to_string()),
            Sql::Integer(1),
            Sql::Integer(created),
            Sql::Integer(hlc.millis() as i64),
            Sql::Integer(hlc.as_i64()),
            Sql::Integer(self.device.idx),
            Sql::Null,
        ]);
        // In bulk mode the op is rebuilt from the record when it is read: no body to build.
        let mut body = (!self.bulk).then(|| {
            let mut b = OpBody { cl: Some(1), ..OpBody::default() };
            b.set.insert(CREATED_AT.name.into(), instant_json(created));
            b
        });
        for f in kind.fields() {
            let v = data.get(f.name).unwrap_or(&Value::Null);
            if f.ty == FieldTy::RichText {
                let s = v.as_str().unwrap_or("");
                params.push(Sql::Text(s.to_string()));
                // An empty text has no edits: no doc to build (a bulk import of contacts
                // without notes skips a yrs doc per row).
                if s.is_empty() {
                    params.push(Sql::Null);
                    continue;
                }
                // The doc is this device's single insert of `s`: stored implicitly (see
                // `load_doc`); the outbox carries the update itself.
                params.push(Sql::Blob(implicit_doc(self.client)));
                if let Some(body) = &mut body {
                    if let Some(u) = text::set_text(&text::load(self.client, None)?, s) {
                        body.text.insert(f.name.into(), TextUpdate(u));
                    }
                }
            } else {
                params.push(to_sql(f, v)?);
                if let Some(body) = &mut body {
                    body.set.insert(f.name.into(), v.clone());
                }
            }
        }
        self.tx.prepare_cached(insert_sql(kind))?.execute(params_from_iter(params)).map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
                Error::Conflict(format!("a {} with id {id} already exists", kind.name()))
            }
            e => e.into(),
        })?;
        let rid = self.tx.last_insert_rowid();
        self.last_rid = rid;
        if fts_columns(kind).is_some() {
            self.fts.insert((kind, rid), FtsPending { before: None });
        }
        self.alive.insert((kind, id));
        match body {
            Some(body) => self.append_outbox(kind, &id, &space, hlc, &body),
            None => self.queue_in_run(kind, id, space, hlc, rid),
        }
    }

    /// Queues a bulk create: the open run takes it when it follows on (same kind and space,
    /// next seq, next rowid); otherwise the run is written and a new one starts.
    fn queue_in_run(&mut self, kind: EntityKind, id: Id, space: Uuid, hlc: Hlc, rid: i64) -> Result<()> {
        self.seq += 1;
        let seq = self.seq;
        match &mut self.run {
            Some(r) if r.kind == kind && r.space == space && r.seq_from + r.n as u64 == seq && r.rid_from + r.n == rid => r.n += 1,
            _ => {
                self.flush_run()?;
                self.run = Some(Run { kind, space, seq_from: seq, hlc_from: hlc, first: id, rid_from: rid, n: 1 });
            }
        }
        self.changed.push(Changed { kind, id });
        Ok(())
    }

    /// Writes the open run's outbox entry.
    fn flush_run(&mut self) -> Result<()> {
        match self.run.take() {
            Some(r) => insert_run(self.tx, &r),
            None => Ok(()),
        }
    }

    /// Before a record changes: if its create is queued in a run, writes that op out as an
    /// ordinary entry (rebuilt from the record, which still holds what it was created with) and
    /// splits the run around it. From then on the record's later ops follow its create op as
    /// they would have after an ordinary create.
    fn write_out_create(&mut self, kind: EntityKind, rid: i64) -> Result<()> {
        self.flush_run()?;
        let Some((run_seq, rid_from, n)) = run_holding(self.tx, kind, rid)? else { return Ok(()) };
        let k = rid - rid_from;
        let seq = run_seq + k as u64;
        let (schema, op) = {
            let schema: u32 = self.tx.prepare_cached("SELECT schema_version FROM outbox WHERE seq = ?1")?.query_row([run_seq as i64], |r| r.get(0))?;
            let mut ops = rebuild_creates(self.tx, self.device.device, self.client, kind, rid, seq, 1, schema)?;
            (schema, ops.pop().ok_or_else(|| Error::Storage(format!("the outbox refers to a {} that is gone", kind.name())))?)
        };
        if k == 0 {
            self.tx.prepare_cached("DELETE FROM outbox WHERE seq = ?1")?.execute([run_seq as i64])?;
        } else {
            self.tx.prepare_cached("UPDATE outbox SET n = ?2 WHERE seq = ?1")?.execute([run_seq as i64, k])?;
        }
        let body = OpBody { set: op.set, text: op.text, cl: op.cl, prev: op.prev, also_prev: op.also_prev };
        insert_op(self.tx, seq, op.hlc, &op.space, kind, &op.row, &serde_json::to_string(&body)?, schema, 1, None)?;
        let rest = n - k - 1;
        if rest > 0 {
            let sql = format!("SELECT id, space, _hlc FROM {} WHERE rid = ?1", kind.table());
            let (next, space, hlc): (String, String, i64) = self.tx.prepare_cached(&sql)?.query_row([rid + 1], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            let parse = |s: &str| Uuid::parse_str(s).map_err(|e| Error::Storage(format!("record id: {e}")));
            insert_op(self.tx, seq + 1, Hlc::from_i64(hlc), &parse(&space)?, kind, &parse(&next)?, "", schema, rest, Some(rid + 1))?;
        }
        Ok(())
    }

    /// Writes the given fields of an existing record. Returns false when nothing changed.
    /// Text fields are diffed against their CRDT and stored as edits.
    pub fn update(&mut self, kind: EntityKind, id: Id, fields: &Map<String, Value>) -> Result<bool> {
        let mut row = self.row_state(kind, &id)?.ok_or(Error::NotFound { what: kind.name() })?;
        if row.base.1 == self.device.idx {
            self.write_out_create(kind, row.rid)?;
        }
        let space = self.row_space(kind, row.rid)?;
        let hlc = self.tick();
        let row_key = id.to_string();
        let has_heads = heads::row_has_heads(self.tx, kind, &row_key)?;
        let mut body = OpBody::default();
        let mut sets: Vec<String> = Vec::new();
        let mut params: Vec<Sql> = Vec::new();
        for (name, v) in fields {
            let f = kind.field(name).ok_or_else(|| Error::invalid(name.as_str(), format!("a {} has no such field", kind.name())))?;
            if f.ty == FieldTy::RichText {
                let doc = self.load_doc(kind, row.rid, f.name)?;
                let Some(update) = text::set_text(&doc, v.as_str().unwrap_or("")) else { continue };
                params.push(Sql::Text(text::plain(&doc)));
                sets.push(format!("{} = ?{}", f.name, params.len()));
                params.push(Sql::Blob(text::state(&doc)));
                sets.push(format!("{}_doc = ?{}", f.name, params.len()));
                body.text.insert(f.name.into(), TextUpdate(update));
            } else {
                self.overwrite_versions(kind, &row_key, has_heads, f.name, row.clock_of(f.name).0, &mut body)?;
                params.push(to_sql(f, v)?);
                sets.push(format!("{} = ?{}", f.name, params.len()));
                row.clocks.insert(f.name.into(), (hlc.as_i64(), self.device.idx));
                body.set.insert(f.name.into(), v.clone());
            }
        }
        if sets.is_empty() {
            return Ok(false);
        }
        params.push(Sql::Integer(hlc.millis() as i64));
        sets.push(format!("updated_at = ?{}", params.len()));
        params.push(Sql::Text(serde_json::to_string(&row.clocks)?));
        sets.push(format!("_clocks = ?{}", params.len()));
        params.push(Sql::Integer(row.rid));
        if touches_index(kind, fields.keys()) {
            self.reindex(kind, row.rid)?;
        }
        let sql = format!("UPDATE {} SET {} WHERE rid = ?{}", kind.table(), sets.join(", "), params.len());
        self.tx.prepare_cached(&sql)?.execute(params_from_iter(params))?;
        self.append_outbox(kind, &id, &space, hlc, &body)?;
        Ok(true)
    }

    /// Records in `body` which versions of `field` a local write overwrites: the one shown
    /// (`prev`) and, when the field had concurrent versions, all of them — a write made having
    /// seen them all settles the conflict everywhere once the op arrives.
    fn overwrite_versions(&mut self, kind: EntityKind, row_key: &str, has_heads: bool, field: &str, prev: i64, body: &mut OpBody) -> Result<()> {
        if prev != 0 {
            body.prev.insert(field.into(), Hlc::from_i64(prev));
        }
        if !has_heads {
            return Ok(());
        }
        let hs = heads::load(self.tx, kind, row_key, field)?;
        if hs.is_empty() {
            return Ok(());
        }
        for h in &hs {
            heads::mark_superseded(self.tx, kind, row_key, field, h.hlc)?;
        }
        body.also_prev.insert(field.into(), hs.iter().filter(|h| h.hlc != prev).map(|h| Hlc::from_i64(h.hlc)).collect());
        heads::save(self.tx, kind, row_key, field, &[])
    }

    /// Moves a record into another space (an account handed to a team): one op in the new space
    /// carries the whole record — every field with this write's clock, the full text of its
    /// text fields — so members who never saw it get all of it, and the record's later changes
    /// go to the new space. Returns false when it already is there.
    pub fn move_to_space(&mut self, kind: EntityKind, id: Id, space: Uuid) -> Result<bool> {
        let row = self.row_state(kind, &id)?.ok_or(Error::NotFound { what: kind.name() })?;
        if self.row_space(kind, row.rid)? == space {
            return Ok(false);
        }
        if row.base.1 == self.device.idx {
            self.write_out_create(kind, row.rid)?;
        }
        let hlc = self.tick();
        let row_key = id.to_string();
        let has_heads = heads::row_has_heads(self.tx, kind, &row_key)?;
        let mut body = OpBody { cl: Some(row.cl as u32), ..OpBody::default() };
        let scalars = [&CREATED_AT, &SPACE].into_iter().chain(kind.fields().iter().filter(|f| f.ty != FieldTy::RichText));
        for f in scalars {
            let v = if f.name == SPACE.name { Value::String(space.to_string()) } else { self.current_value(kind, row.rid, f)? };
            self.overwrite_versions(kind, &row_key, has_heads, f.name, row.clock_of(f.name).0, &mut body)?;
            body.set.insert(f.name.into(), v);
        }
        for f in kind.fields().iter().filter(|f| f.ty == FieldTy::RichText) {
            let doc = self.load_doc(kind, row.rid, f.name)?;
            body.text.insert(f.name.into(), TextUpdate(text::state(&doc)));
        }
        let sql = format!("UPDATE {} SET space = ?1, _hlc = ?2, _dev = ?3, _clocks = NULL, updated_at = ?4 WHERE rid = ?5", kind.table());
        self.tx.prepare_cached(&sql)?.execute(rusqlite::params![space.to_string(), hlc.as_i64(), self.device.idx, hlc.millis() as i64, row.rid])?;
        self.append_outbox(kind, &id, &space, hlc, &body)?;
        Ok(true)
    }

    fn row_space(&self, kind: EntityKind, rid: i64) -> Result<Uuid> {
        let sql = format!("SELECT space FROM {} WHERE rid = ?1", kind.table());
        let s: String = self.tx.prepare_cached(&sql)?.query_row([rid], |r| r.get(0))?;
        Uuid::parse_str(&s).map_err(|e| Error::Storage(format!("space id: {e}")))
    }

    /// Moves a record to Trash (`deleted`) or back. Returns false when it already was there.
    pub fn set_deleted(&mut self, kind: EntityKind, id: Id, deleted: bool) -> Result<bool> {
        let row = self.row_state(kind, &id)?.ok_or(Error::NotFound { what: kind.name() })?;
        let is_deleted = row.cl % 2 == 0;
        if is_deleted == deleted {
            return Ok(false);
        }
        self.alive.remove(&(kind, id));
        let space = self.row_space(kind, row.rid)?;
        let hlc = self.tick();
        let cl = row.cl + 1;
        let sql = format!("UPDATE {} SET cl = ?1, updated_at = ?2 WHERE rid = ?3", kind.table());
        self.tx.prepare_cached(&sql)?.execute(rusqlite::params![cl, hlc.millis() as i64, row.rid])?;
        heads::record_cl(self.tx, kind, &id.to_string(), cl, hlc.as_i64(), self.device.idx)?;
        let body = OpBody { cl: Some(cl as u32), ..OpBody::default() };
        self.append_outbox(kind, &id, &space, hlc, &body)
            .map(|_| true)
    }

    fn device_idx(&mut self, device: Uuid) -> Result<i64> {
        if let Some((idx, _)) = self.devices.iter().find(|(_, d)| **d == device) {
            return Ok(*idx);
        }
        self.tx.execute("INSERT OR IGNORE INTO devices (id) VALUES (?1)", [device.to_string()])?;
        let idx: i64 = self.tx.query_row("SELECT idx FROM devices WHERE id = ?1", [device.to_string()], |r| r.get(0))?;
        self.devices.insert(idx, device);
        Ok(idx)
    }

    fn device_of(&mut self, idx: i64) -> Result<Uuid> {
        if let Some(d) = self.devices.get(&idx) {
            return Ok(*d);
        }
        let id: Option<String> = self.tx.query_row("SELECT id FROM devices WHERE idx = ?1", [idx], |r| r.get(0)).optional()?;
        let d = id.and_then(|s| Uuid::parse_str(&s).ok()).unwrap_or_default();
        self.devices.insert(idx, d);
        Ok(d)
    }

    /// Applies an op made on another device (or replayed from an outbox): last writer wins per
    /// field by `(hlc, device)`, text updates merge, the highest causal length wins. Applying
    /// the same op twice, or ops in another order, gives the same record.
    pub fn apply_remote(&mut self, op: &Op) -> Result<()> {
        let kind = EntityKind::from_name(&op.table).ok_or_else(|| Error::invalid("table", format!("unknown record kind '{}'", op.table)))?;
        let wall = self.clock.now().timestamp_millis().max(0) as u64;
        self.hlc = Hlc::observe(self.hlc, op.hlc, wall);
        let dev = self.device_idx(op.device)?;
        let clock: FieldClock = (op.hlc.as_i64(), dev);
        let row_key = op.row.to_string();
        self.alive.remove(&(kind, op.row));
        for (field, p) in op.prev.iter().map(|(f, h)| (f, *h)).chain(op.also_prev.iter().flat_map(|(f, hs)| hs.iter().map(move |h| (f, *h)))) {
            heads::mark_superseded(self.tx, kind, &row_key, field, p.as_i64())?;
        }
        if let Some(cl) = op.cl {
            heads::record_cl(self.tx, kind, &row_key, cl as i64, clock.0, clock.1)?;
        }
        match self.row_state(kind, &op.row)? {
            None => self.insert_from_op(kind, op, clock)?,
            Some(row) => {
                // A record of this device's queued in a run keeps its create op as it was.
                if row.base.1 == self.device.idx {
                    self.write_out_create(kind, row.rid)?;
                }
                self.merge_into(kind, op, clock, row)?
            }
        }
        self.changed.push(Changed { kind, id: op.row });
        Ok(())
    }

    fn insert_from_op(&mut self, kind: EntityKind, op: &Op, clock: FieldClock) -> Result<()> {
        let mut clocks = Clocks::new();
        let created = match op.set.get(CREATED_AT.name) {
            Some(v) => to_sql(&CREATED_AT, v)?,
            None => {
                clocks.insert(CREATED_AT.name.into(), (0, 0));
                Sql::Null
            }
        };
        let mut params: Vec<Sql> = vec![
            Sql::Text(op.row.to_string()),
            Sql::Text(op.space.to_string()),
            Sql::Integer(op.cl.unwrap_or(1) as i64),
            created,
            Sql::Integer(op.hlc.millis() as i64),
            Sql::Integer(clock.0),
            Sql::Integer(clock.1),
            Sql::Null,
        ];
        for f in kind.fields() {
            if f.ty == FieldTy::RichText {
                match op.text.get(f.name) {
                    Some(u) => {
                        let doc = text::load(self.client, Some(&u.0))?;
                        params.push(Sql::Text(text::plain(&doc)));
                        params.push(Sql::Blob(text::state(&doc)));
                    }
                    None => {
                        params.push(Sql::Null);
                        params.push(Sql::Null);
                    }
                }
            } else {
                match op.set.get(f.name) {
                    Some(v) => params.push(to_sql(f, v)?),
                    None => {
                        clocks.insert(f.name.into(), (0, 0));
                        params.push(Sql::Null);
                    }
                }
            }
        }
        if !clocks.is_empty() {
            params[7] = Sql::Text(serde_json::to_string(&clocks)?);
        }
        self.tx.prepare_cached(insert_sql(kind))?.execute(params_from_iter(params))?;
        if fts_columns(kind).is_some() {
            self.fts.insert((kind, self.tx.last_insert_rowid()), FtsPending { before: None });
        }
        Ok(())
    }

    /// Orders two field clocks: by hlc, then by device id.
    fn cmp_clock(&mut self, a: FieldClock, b: FieldClock) -> Result<Ordering> {
        if a.0 != b.0 || a.1 == b.1 {
            return Ok(a.0.cmp(&b.0));
        }
        Ok(self.device_of(a.1)?.cmp(&self.device_of(b.1)?))
    }

    fn current_value(&self, kind: EntityKind, rid: i64, f: &FieldSpec) -> Result<Value> {
        let sql = format!("SELECT {} FROM {} WHERE rid = ?1", f.name, kind.table());
        Ok(self.tx.prepare_cached(&sql)?.query_row([rid], |r| Ok(from_sql(f, r.get_ref(0)?)))?)
    }

    /// Merges one incoming field write into the field's heads (see [`heads`]). Returns the
    /// field's new value and clock when they change: the highest head's (a list: the union of
    /// its heads). The result depends only on which ops have arrived, not on their order.
    #[allow(clippy::too_many_arguments)]
    fn merge_field(
        &mut self,
        kind: EntityKind,
        row: &RowState,
        row_key: &str,
        has_heads: bool,
        f: &FieldSpec,
        op: &Op,
        v: &Value,
        clock: FieldClock,
    ) -> Result<Option<(Value, FieldClock)>> {
        let name = f.name;
        let prevs: Vec<i64> = op
            .prev
            .get(name)
            .map(|h| h.as_i64())
            .into_iter()
            .chain(op.also_prev.get(name).into_iter().flatten().map(|h| h.as_i64()))
            .collect();
        let cur = row.clock_of(name);
        let stored = if has_heads { heads::load(self.tx, kind, row_key, name)? } else { Vec::new() };
        if stored.is_empty() && cur != clock && (cur.0 == 0 || prevs.contains(&cur.0)) {
            // The common case: this write overwrites the field's only version.
            if cur.0 == 0 && heads::is_superseded(self.tx, kind, row_key, name, clock.0)? {
                return Ok(None);
            }
            return Ok(Some((v.clone(), clock)));
        }
        let mut hs = if !stored.is_empty() {
            stored
        } else if cur.0 != 0 {
            vec![Head { hlc: cur.0, dev: cur.1, value: self.current_value(kind, row.rid, f)? }]
        } else {
            Vec::new()
        };
        hs.retain(|h| !prevs.contains(&h.hlc));
        let known = hs.iter().any(|h| (h.hlc, h.dev) == clock);
        if !known && !heads::is_superseded(self.tx, kind, row_key, name, clock.0)? {
            hs.push(Head { hlc: clock.0, dev: clock.1, value: v.clone() });
        }
        if hs.is_empty() {
            return Ok(None);
        }
        // Highest clock first.
        let mut err = None;
        hs.sort_by(|a, b| match self.cmp_clock((b.hlc, b.dev), (a.hlc, a.dev)) {
            Ok(o) => o,
            Err(e) => {
                err = Some(e);
                Ordering::Equal
            }
        });
        if let Some(e) = err {
            return Err(e);
        }
        if has_heads || hs.len() > 1 {
            heads::save(self.tx, kind, row_key, name, &hs)?;
        }
        let winner = (hs[0].hlc, hs[0].dev);
        if f.ty == FieldTy::Json && hs.len() > 1 {
            let refs: Vec<&Head> = hs.iter().collect();
            return Ok(Some((heads::union(&refs), winner)));
        }
        if winner == cur && f.ty != FieldTy::Json {
            return Ok(None);
        }
        Ok(Some((hs[0].value.clone(), winner)))
    }

    fn merge_into(&mut self, kind: EntityKind, op: &Op, clock: FieldClock, mut row: RowState) -> Result<()> {
        let mut sets: Vec<String> = Vec::new();
        let mut params: Vec<Sql> = Vec::new();
        let mut clocks_changed = false;
        let row_key = op.row.to_string();
        let has_heads = heads::row_has_heads(self.tx, kind, &row_key)?;
        for (name, v) in &op.set {
            let f = if name == CREATED_AT.name {
                &CREATED_AT
            } else if name == SPACE.name {
                &SPACE
            } else {
                match kind.field(name) {
                    Some(f) if f.ty != FieldTy::RichText => f,
                    // A field this version does not know (a newer client's): ignored here.
                    _ => continue,
                }
            };
            let Some((value, winner)) = self.merge_field(kind, &row, &row_key, has_heads, f, op, v, clock)? else { continue };
            params.push(to_sql(f, &value)?);
            sets.push(format!("{} = ?{}", f.name, params.len()));
            row.clocks.insert(name.clone(), winner);
            clocks_changed = true;
        }
        for (name, update) in &op.text {
            let Some(f) = kind.field(name).filter(|f| f.ty == FieldTy::RichText) else { continue };
            let doc = self.load_doc(kind, row.rid, f.name)?;
            text::apply(&doc, &update.0)?;
            params.push(Sql::Text(text::plain(&doc)));
            sets.push(format!("{} = ?{}", f.name, params.len()));
            params.push(Sql::Blob(text::state(&doc)));
            sets.push(format!("{}_doc = ?{}", f.name, params.len()));
        }
        if let Some(cl) = op.cl {
            if cl as i64 > row.cl {
                params.push(Sql::Integer(cl as i64));
                sets.push(format!("cl = ?{}", params.len()));
            }
        }
        if clocks_changed {
            // Drop overrides equal to the base clock, so a record ends up stored the same way
            // whatever order its ops arrived in.
            let base = row.base;
            row.clocks.retain(|_, c| *c != base);
            params.push(if row.clocks.is_empty() { Sql::Null } else { Sql::Text(serde_json::to_string(&row.clocks)?) });
            sets.push(format!("_clocks = ?{}", params.len()));
        }
        let updated = row.updated_at.max(op.hlc.millis() as i64);
        if updated != row.updated_at {
            params.push(Sql::Integer(updated));
            sets.push(format!("updated_at = ?{}", params.len()));
        }
        if sets.is_empty() {
            return Ok(());
        }
        params.push(Sql::Integer(row.rid));
        if touches_index(kind, op.set.keys().chain(op.text.keys())) {
            self.reindex(kind, row.rid)?;
        }
        let sql = format!("UPDATE {} SET {} WHERE rid = ?{}", kind.table(), sets.join(", "), params.len());
        self.tx.prepare_cached(&sql)?.execute(params_from_iter(params))?;
        Ok(())
    }

    /// Notes that a searchable row is about to change: what it is indexed under now is read
    /// (once per transaction) so the index can drop it at the end.
    fn reindex(&mut self, kind: EntityKind, rid: i64) -> Result<()> {
        let Some(cols) = fts_columns(kind) else { return Ok(()) };
        if self.fts.contains_key(&(kind, rid)) {
            return Ok(());
        }
        let before = read_indexed(self.tx, kind, cols, rid)?;
        self.fts.insert((kind, rid), FtsPending { before });
        Ok(())
    }

    /// Brings the full-text index in step with every searchable row this transaction wrote.
    ///
    /// Rows new in this transaction are indexed with one `INSERT ... SELECT` per kind: one
    /// statement (and one FTS5 savepoint) for a whole import instead of one per row.
    fn index_text(&mut self) -> Result<()> {
        let mut fresh: BTreeMap<EntityKind, Vec<i64>> = BTreeMap::new();
        for ((kind, rid), p) in std::mem::take(&mut self.fts) {
            let Some(cols) = fts_columns(kind) else { continue };
            let t = kind.table();
            let Some(before) = p.before else {
                fresh.entry(kind).or_default().push(rid);
                continue;
            };
            {
                let sql = format!(
                    "INSERT INTO {t}_fts ({t}_fts, rowid, {}) VALUES ('delete', ?1, {})",
                    cols.join(", "),
                    marks(2, cols.len())
                );
                let mut params = vec![Sql::Integer(rid)];
                params.extend(before);
                self.tx.prepare_cached(&sql)?.execute(params_from_iter(params))?;
            }
            if let Some(after) = read_indexed(self.tx, kind, cols, rid)? {
                let sql = format!("INSERT INTO {t}_fts (rowid, {}) VALUES (?1, {})", cols.join(", "), marks(2, cols.len()));
                let mut params = vec![Sql::Integer(rid)];
                params.extend(after);
                self.tx.prepare_cached(&sql)?.execute(params_from_iter(params))?;
            }
        }
        for (kind, rids) in fresh {
            let Some(cols) = fts_columns(kind) else { continue };
            let t = kind.table();
            let sql = format!(
                "INSERT INTO {t}_fts (rowid, {c}) SELECT rid, {c} FROM {t} WHERE rid IN (SELECT value FROM json_each(?1))",
                c = cols.join(", ")
            );
            let list = serde_json::to_string(&rids)?;
            self.tx.prepare_cached(&sql)?.execute([list])?;
        }
        Ok(())
    }
}

/// First byte of a `<field>_doc` that stands for "one insert of the plain text by client N".
/// A yrs v1 update starting with 0xFF would list over 127 clients and be far longer than 9 bytes.
const IMPLICIT_DOC: u8 = 0xFF;

fn implicit_doc(client: u64) -> Vec<u8> {
    let mut v = Vec::with_capacity(9);
    v.push(IMPLICIT_DOC);
    v.extend_from_slice(&client.to_le_bytes());
    v
}

fn implicit_client(bytes: &[u8], this_device: u64) -> Option<u64> {
    match bytes {
        [IMPLICIT_DOC, rest @ ..] if rest.len() == 8 => rest.try_into().ok().map(u64::from_le_bytes),
        // Books written by the first version of this scheme marked it with an empty blob.
        [] => Some(this_device),
        _ => None,
    }
}

/// Whether writing these fields changes what the row is found by.
fn touches_index<'k>(kind: EntityKind, mut fields: impl Iterator<Item = &'k String>) -> bool {
    fts_columns(kind).is_some_and(|cols| fields.any(|f| cols.contains(&f.as_str())))
}

fn marks(from: usize, n: usize) -> String {
    (from..from + n).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ")
}

/// The indexed columns of a row as stored (`None`: no such row).
fn read_indexed(conn: &rusqlite::Connection, kind: EntityKind, cols: &[&str], rid: i64) -> Result<Option<Vec<Sql>>> {
    let sql = format!("SELECT {} FROM {} WHERE rid = ?1", cols.join(", "), kind.table());
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([rid], |r| (0..cols.len()).map(|i| r.get::<_, Sql>(i)).collect::<rusqlite::Result<Vec<_>>>())
        .optional()?)
}

#[allow(clippy::too_many_arguments)]
fn insert_op(conn: &rusqlite::Connection, seq: u64, hlc: Hlc, space: &Uuid, kind: EntityKind, id: &Id, body: &str, schema: u32, n: i64, rid_from: Option<i64>) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO outbox (seq, hlc, space, tbl, row_id, body, schema_version, n, rid_from) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(rusqlite::params![seq as i64, hlc.as_i64(), space.to_string(), kind.name(), id.to_string(), body, schema, n, rid_from])?;
    Ok(())
}

fn insert_run(conn: &rusqlite::Connection, r: &Run) -> Result<()> {
    insert_op(conn, r.seq_from, r.hlc_from, &r.space, r.kind, &r.first, "", SCHEMA_VERSION, r.n, Some(r.rid_from))
}

/// The run whose records include `rid`: its first seq, first rowid and length.
fn run_holding(conn: &rusqlite::Connection, kind: EntityKind, rid: i64) -> Result<Option<(u64, i64, i64)>> {
    let found = conn
        .prepare_cached(
            "SELECT seq, rid_from, n FROM outbox WHERE rid_from IS NOT NULL AND tbl = ?1 AND rid_from <= ?2 ORDER BY rid_from DESC LIMIT 1",
        )?
        .query_row(rusqlite::params![kind.name(), rid], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?)))
        .optional()?;
    Ok(found.filter(|(_, from, n)| rid < from + n).map(|(seq, from, n)| (seq as u64, from, n)))
}

/// The create ops of `count` records from rowid `rid_from` on, numbered from `seq_from`: what
/// [`WriteTx::create`] queues for a record, rebuilt from the record as stored. A record of a
/// run has not changed since it was created (see `write_out_create`), so its row holds exactly
/// what the create wrote: every field, its text (one insert by this device's client, rebuilt
/// with the same client and clocks) and the create's clock.
#[allow(clippy::too_many_arguments)]
fn rebuild_creates(conn: &rusqlite::Connection, device: Uuid, client: u64, kind: EntityKind, rid_from: i64, seq_from: u64, count: i64, schema: u32) -> Result<Vec<Op>> {
    let fields = kind.fields();
    let cols: Vec<&str> = fields.iter().map(|f| f.name).collect();
    let sql = format!(
        "SELECT rid, id, space, created_at, _hlc{}{} FROM {} WHERE rid >= ?1 AND rid < ?2 ORDER BY rid",
        if cols.is_empty() { "" } else { ", " },
        cols.join(", "),
        kind.table()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(rusqlite::params![rid_from, rid_from + count])?;
    let gone = || Error::Storage(format!("the outbox refers to {} records that are gone", kind.name()));
    let parse = |s: &str| Uuid::parse_str(s).map_err(|e| Error::Storage(format!("record id: {e}")));
    let mut ops = Vec::with_capacity(count.max(0) as usize);
    while let Some(r) = rows.next()? {
        let k = ops.len() as i64;
        if r.get::<_, i64>(0)? != rid_from + k {
            return Err(gone());
        }
        let mut set = BTreeMap::new();
        let mut texts = BTreeMap::new();
        let created: Option<i64> = r.get(3)?;
        set.insert(CREATED_AT.name.to_string(), created.map(instant_json).unwrap_or(Value::Null));
        for (i, f) in fields.iter().enumerate() {
            let v = r.get_ref(5 + i)?;
            if f.ty == FieldTy::RichText {
                let s = v.as_str_or_null().map_err(|e| Error::Storage(format!("{}: {e}", f.name)))?.unwrap_or("");
                if let Some(u) = (!s.is_empty()).then(|| text::load(client, None)).transpose()?.and_then(|doc| text::set_text(&doc, s)) {
                    texts.insert(f.name.to_string(), TextUpdate(u));
                }
            } else {
                set.insert(f.name.to_string(), from_sql(f, v));
            }
        }
        ops.push(Op {
            space: parse(&r.get::<_, String>(2)?)?,
            device,
            seq: seq_from + k as u64,
            hlc: Hlc::from_i64(r.get(4)?),
            table: kind.name().into(),
            row: parse(&r.get::<_, String>(1)?)?,
            set,
            text: texts,
            cl: Some(1),
            prev: BTreeMap::new(),
            also_prev: BTreeMap::new(),
            schema,
        });
    }
    if ops.len() as i64 != count {
        return Err(gone());
    }
    Ok(ops)
}

/// An outbox entry: one op, or a run of creates.
type Entry = (i64, i64, String, String, String, String, i64, i64, Option<i64>);

fn entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<Entry> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?))
}

/// Reads the outbox in seq order (what a peer needs to rebuild this book): up to `limit` ops
/// after seq `after`. A run of bulk creates gives one op per record, as ordinary creates would.
pub fn read_outbox(conn: &rusqlite::Connection, device: Uuid, after: u64, limit: usize) -> Result<Vec<Op>> {
    const COLS: &str = "seq, hlc, space, tbl, row_id, body, schema_version, n, rid_from";
    let client = text::client_id(&device);
    let mut ops: Vec<Op> = Vec::new();
    // The entry holding seq `after + 1` may start before it (a run).
    let straddling = conn
        .prepare_cached(&format!("SELECT {COLS} FROM outbox WHERE seq <= ?1 ORDER BY seq DESC LIMIT 1"))?
        .query_row([after as i64], entry)
        .optional()?
        .filter(|e| e.0 + e.7 - 1 > after as i64);
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLS} FROM outbox WHERE seq > ?1 ORDER BY seq LIMIT ?2"))?;
    let rows = stmt.query_map(rusqlite::params![after as i64, limit.min(i64::MAX as usize) as i64], entry)?;
    for e in straddling.into_iter().map(Ok).chain(rows) {
        if ops.len() >= limit {
            break;
        }
        let (seq, hlc, space, table, row_id, body, schema, n, rid_from) = e?;
        if let Some(rid_from) = rid_from {
            let kind = EntityKind::from_name(&table).ok_or_else(|| Error::Storage(format!("outbox run of unknown kind {table}")))?;
            // Skip what is at or before `after`; take no more than is asked for.
            let skip = (after as i64 + 1 - seq).max(0);
            let count = (n - skip).min((limit - ops.len()).min(i64::MAX as usize) as i64);
            ops.extend(rebuild_creates(conn, device, client, kind, rid_from + skip, (seq + skip) as u64, count, schema as u32)?);
            continue;
        }
        let body: OpBody = serde_json::from_str(&body)?;
        let parse = |s: &str| Uuid::parse_str(s).map_err(|e| Error::Storage(format!("outbox id: {e}")));
        ops.push(Op {
            space: parse(&space)?,
            device,
            seq: seq as u64,
            hlc: Hlc::from_i64(hlc),
            table,
            row: parse(&row_id)?,
            set: body.set,
            text: body.text,
            cl: body.cl,
            prev: body.prev,
            also_prev: body.also_prev,
            schema: schema as u32,
        });
    }
    Ok(ops)
}

/// How many ops wait after seq `after` (a run counts as the creates it stands for).
pub fn count_after(conn: &rusqlite::Connection, after: u64) -> Result<u64> {
    let whole: i64 = conn.prepare_cached("SELECT coalesce(sum(n), 0) FROM outbox WHERE seq > ?1")?.query_row([after as i64], |r| r.get(0))?;
    let part: i64 = conn
        .prepare_cached("SELECT max(0, seq + n - 1 - ?1) FROM outbox WHERE seq <= ?1 ORDER BY seq DESC LIMIT 1")?
        .query_row([after as i64], |r| r.get(0))
        .optional()?
        .unwrap_or(0);
    Ok((whole + part) as u64)
}

/// Snapshot rows written straight into the book (a child of this module: it writes through
/// the transaction's own bookkeeping).
#[path = "bootstrap.rs"]
mod bootstrap;

#[cfg(test)]
#[path = "write_tests.rs"]
mod tests;
