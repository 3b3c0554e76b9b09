//! Bootstrapping records from a space's snapshot (SYNC.md "Client": a new device starts there).
//!
//! A snapshot row is the server's merged state of one record: each field's winning value with
//! the clock that wrote it, the merged text, the causal length. The slow way applies it as ops
//! (`engine::snapshot_ops`, one per distinct clock) through [`WriteTx::apply_remote`]: a row
//! lookup, a causal-length upsert, conflict checks and an UPDATE per op. For a record this book
//! holds no trace of, the outcome of that replay is known in advance, so it is written with one
//! INSERT: the base clock is the lowest of the row's clocks, the fields written by a later clock
//! carry it as an override, fields no one wrote carry the zero clock, `updated_at` is the highest
//! clock's time, the causal length is recorded with the highest clock, the text is the merged
//! doc. The search index is built once for the whole transaction ([`WriteTx::finish`]).
//!
//! Anything else goes the slow way: records this book already holds (an account this device
//! moved into the space), records with a trace in the merge tables, and rows with fields the
//! fast path does not model (fields of a newer version, rows without any field, a `space`
//! written after the record's oldest clock). `crates/core/tests/core/sync_snapshot.rs` checks that both ways give the same book.

use super::*;
use crate::sync::protocol::SnapshotRow;
use std::collections::BTreeSet;

impl WriteTx<'_> {
    /// Applies one page of a space's snapshot. Rows of a kind this version does not know are
    /// skipped (as the slow path skips their ops). Returns how many rows were applied.
    pub fn apply_snapshot(&mut self, space: Uuid, rows: &[SnapshotRow]) -> Result<usize> {
        let mut held = self.held_rows(rows)?;
        let mut applied = 0;
        for row in rows {
            let Some(kind) = EntityKind::from_name(&row.table) else { continue };
            if held.contains(&(kind, row.row)) || !fits_insert(kind, row) {
                for op in crate::sync::engine::snapshot_ops(space, row) {
                    self.apply_remote(&op)?;
                }
            } else {
                self.insert_snapshot_row(kind, space, row)?;
            }
            held.insert((kind, row.row));
            applied += 1;
        }
        Ok(applied)
    }

    /// The records of `rows` this book already has, or has merge bookkeeping for.
    fn held_rows(&self, rows: &[SnapshotRow]) -> Result<HashSet<(EntityKind, Uuid)>> {
        let mut by_kind: BTreeMap<EntityKind, Vec<String>> = BTreeMap::new();
        for r in rows {
            if let Some(kind) = EntityKind::from_name(&r.table) {
                by_kind.entry(kind).or_default().push(r.row.to_string());
            }
        }
        let mut held = HashSet::new();
        for (kind, ids) in by_kind {
            let list = serde_json::to_string(&ids)?;
            let own = format!("SELECT id FROM {} WHERE id IN (SELECT value FROM json_each(?1))", kind.table());
            let traces = [
                "SELECT row_id FROM row_cl WHERE tbl = ?2 AND row_id IN (SELECT value FROM json_each(?1))",
                "SELECT DISTINCT row_id FROM field_superseded WHERE tbl = ?2 AND row_id IN (SELECT value FROM json_each(?1))",
                "SELECT DISTINCT row_id FROM field_heads WHERE tbl = ?2 AND row_id IN (SELECT value FROM json_each(?1))",
            ];
            let mut found: Vec<String> = self.tx.prepare_cached(&own)?.query_map([&list], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            for sql in traces {
                let mut stmt = self.tx.prepare_cached(sql)?;
                found.extend(stmt.query_map(rusqlite::params![list, kind.name()], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?);
            }
            for id in found {
                let id = Uuid::parse_str(&id).map_err(|e| Error::Storage(format!("record id: {e}")))?;
                held.insert((kind, id));
            }
        }
        Ok(held)
    }

    /// Writes a record the book has never held exactly as replaying its snapshot ops would.
    fn insert_snapshot_row(&mut self, kind: EntityKind, space: Uuid, row: &SnapshotRow) -> Result<()> {
        // The ops of the slow path, lowest clock first: each advances the HLC and names its
        // device (in this order, so device indexes are handed out the same way).
        let order: BTreeSet<(Hlc, Uuid)> = row.fields.values().map(|f| (f.hlc, f.device)).collect();
        let mut idx: BTreeMap<(Hlc, Uuid), i64> = BTreeMap::new();
        for c in &order {
            let wall = self.clock.now().timestamp_millis().max(0) as u64;
            self.hlc = Hlc::observe(self.hlc, c.0, wall);
            let d = self.device_idx(c.1)?;
            idx.insert(*c, d);
        }
        let (Some(first), Some(last)) = (order.first(), order.last()) else {
            return Err(Error::Storage("a snapshot row without fields cannot be inserted directly".into()));
        };
        let clock_of = |c: (Hlc, Uuid)| -> FieldClock { (c.0.as_i64(), idx.get(&c).copied().unwrap_or(0)) };
        let base = clock_of(*first);
        let top = clock_of(*last);
        let mut clocks = Clocks::new();
        let field = |spec: &FieldSpec, clocks: &mut Clocks| -> Result<Sql> {
            match row.fields.get(spec.name) {
                Some(f) => {
                    let c = clock_of((f.hlc, f.device));
                    if c != base {
                        clocks.insert(spec.name.into(), c);
                    }
                    to_sql(spec, &f.value)
                }
                None => {
                    clocks.insert(spec.name.into(), (0, 0));
                    Ok(Sql::Null)
                }
            }
        };
        let cl = row.cl.max(1) as i64;
        let created = field(&CREATED_AT, &mut clocks)?;
        let mut params: Vec<Sql> = vec![
            Sql::Text(row.row.to_string()),
            Sql::Text(space.to_string()),
            Sql::Integer(cl),
            created,
            Sql::Integer(last.0.millis() as i64),
            Sql::Integer(base.0),
            Sql::Integer(base.1),
            Sql::Null,
        ];
        for f in kind.fields() {
            if f.ty == FieldTy::RichText {
                match row.text.get(f.name) {
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
                params.push(field(f, &mut clocks)?);
            }
        }
        if !clocks.is_empty() {
            params[7] = Sql::Text(serde_json::to_string(&clocks)?);
        }
        let row_key = row.row.to_string();
        heads::record_cl(self.tx, kind, &row_key, cl, top.0, top.1)?;
        self.tx.prepare_cached(insert_sql(kind))?.execute(params_from_iter(params))?;
        if fts_columns(kind).is_some() {
            self.fts.insert((kind, self.tx.last_insert_rowid()), FtsPending { before: None });
        }
        self.alive.remove(&(kind, row.row));
        self.changed.push(Changed { kind, id: row.row });
        Ok(())
    }
}

/// Whether a snapshot row holds only what [`WriteTx::insert_snapshot_row`] models: at least one
/// field, every field `created_at` or a scalar field of the kind written by a real clock, every
/// text a non-empty update of one of the kind's text fields. A record moved into the space
/// carries its `space` too: modelled when the move is the row's oldest clock (the slow path
/// then inserts the row in this space from that op, as here); otherwise it is left to it.
fn fits_insert(kind: EntityKind, row: &SnapshotRow) -> bool {
    let oldest = row.fields.values().map(|f| (f.hlc, f.device)).min();
    !row.fields.is_empty()
        && row.fields.iter().all(|(name, f)| {
            let known = if name == SPACE.name {
                Some((f.hlc, f.device)) == oldest
            } else {
                name == CREATED_AT.name || kind.field(name).is_some_and(|s| s.ty != FieldTy::RichText)
            };
            known && f.hlc != Hlc::ZERO && !f.device.is_nil()
        })
        && row.text.iter().all(|(name, u)| kind.field(name).is_some_and(|s| s.ty == FieldTy::RichText) && !u.0.is_empty())
}
