//! The per-domain facade: create, read, update, delete (to Trash), restore and list any entity.

use crate::app::App;
use crate::domain::{Entity, EntityKind, FieldTy, Id, Record, ValidationCtx};
use crate::error::{Error, Result};
use crate::settings::Settings;
use crate::store::query::{self, ListQuery, Page};
use crate::store::write::WriteTx;
use serde_json::{Map, Value};
use std::marker::PhantomData;

pub struct Repo<'a, T> {
    app: &'a App,
    _t: PhantomData<T>,
}

impl<'a, T: Entity> Repo<'a, T> {
    pub(crate) fn new(app: &'a App) -> Self {
        Repo { app, _t: PhantomData }
    }

    pub fn create(&self, data: T) -> Result<Record<T>> {
        let settings = self.app.settings();
        let id = self.app.write(|w| create_in(w, &settings, data))?;
        self.get(id)
    }

    pub fn get(&self, id: Id) -> Result<Record<T>> {
        self.app
            .store()
            .read(|c| query::get::<T>(c, T::KIND, &id))?
            .ok_or(Error::NotFound { what: T::KIND.name() })
    }

    /// Saves the whole record; only fields that differ from the stored version are written
    /// (and queued for sync). Text fields become CRDT edits.
    pub fn update(&self, id: Id, data: T) -> Result<Record<T>> {
        let settings = self.app.settings();
        self.app.write(|w| update_in(w, &settings, id, data))?;
        self.get(id)
    }

    /// Changes some fields, given as a JSON object (`{"pinned": true}`).
    pub fn patch(&self, id: Id, fields: Map<String, Value>) -> Result<Record<T>> {
        let settings = self.app.settings();
        self.app.write(|w| {
            let current = query::get::<T>(w.conn(), T::KIND, &id)?.ok_or(Error::NotFound { what: T::KIND.name() })?;
            let mut merged = match serde_json::to_value(&current.data)? {
                Value::Object(m) => m,
                _ => Map::new(),
            };
            for (k, v) in fields {
                if T::KIND.field(&k).is_none() {
                    return Err(Error::invalid(k.as_str(), format!("a {} has no such field", T::KIND.name())));
                }
                merged.insert(k, v);
            }
            let data: T = serde_json::from_value(Value::Object(merged)).map_err(|e| decode_error(&e))?;
            update_in(w, &settings, id, data)
        })?;
        self.get(id)
    }

    pub fn delete(&self, id: Id) -> Result<()> {
        self.app.write(|w| w.set_deleted(T::KIND, id, true).map(|_| ()))
    }

    pub fn restore(&self, id: Id) -> Result<()> {
        self.app.write(|w| w.set_deleted(T::KIND, id, false).map(|_| ()))
    }

    pub fn list(&self, q: &ListQuery) -> Result<Page<Record<T>>> {
        self.fresh_for(q)?;
        self.app.store().read(|c| query::list::<T>(c, T::KIND, q))
    }

    pub fn count(&self, q: &ListQuery) -> Result<u64> {
        self.fresh_for(q)?;
        self.app.store().read(|c| query::count(c, T::KIND, q))
    }

    /// A list filtered by accounts' health reads their stored bands: bring them up to `now`.
    fn fresh_for(&self, q: &ListQuery) -> Result<()> {
        if T::KIND == EntityKind::Account && q.filters.iter().any(|f| f.field == crate::store::health::HEALTH_FIELD) {
            self.app.refresh_health()?;
        }
        Ok(())
    }
}

/// Names the field serde could not read (`invalid type: string "x", expected i64` -> field).
pub(crate) fn decode_error(e: &serde_json::Error) -> Error {
    Error::invalid("record", format!("could not read the record: {e}"))
}

fn to_map<T: Entity>(data: &T) -> Result<Map<String, Value>> {
    match serde_json::to_value(data)? {
        Value::Object(m) => Ok(m),
        _ => Err(Error::Storage("an entity did not serialise to an object".into())),
    }
}

fn check_refs<T: Entity>(w: &mut WriteTx<'_>, data: &Map<String, Value>, only: Option<&Map<String, Value>>, entity: &T, old: Option<&T>) -> Result<()> {
    for f in T::KIND.fields() {
        let FieldTy::Ref(target) = f.ty else { continue };
        if let Some(changed) = only {
            if !changed.contains_key(f.name) {
                continue;
            }
        }
        if let Some(Value::String(s)) = data.get(f.name) {
            let id = uuid::Uuid::parse_str(s).map_err(|_| Error::invalid(f.name, "is not an id"))?;
            if !w.exists(target, &id)? {
                return Err(Error::invalid(f.name, format!("no {} with this id", target.name())));
            }
        }
    }
    let old_refs = old.map(|o| o.list_refs()).unwrap_or_default();
    for (field, target, ids) in entity.list_refs() {
        let before: &[Id] = old_refs.iter().find(|(f, _, _)| *f == field).map(|(_, _, ids)| *ids).unwrap_or(&[]);
        for id in ids.iter().filter(|id| !before.contains(id)) {
            if !w.exists(target, id)? {
                return Err(Error::invalid(field, format!("no {} with id {id}", target.name())));
            }
        }
    }
    Ok(())
}

/// Validates and creates a record inside an open write transaction. Composite actions (a meeting
/// wrap-up that makes a note and tasks) call this several times in one transaction.
pub(crate) fn create_in<T: Entity>(w: &mut WriteTx<'_>, settings: &Settings, mut data: T) -> Result<Id> {
    data.normalize();
    data.on_write(None, w.now());
    data.validate(&ValidationCtx { settings })?;
    let map = to_map(&data)?;
    check_refs(w, &map, None, &data, None)?;
    relations::check::<T>(w, None, &map)?;
    let id = uuid::Uuid::now_v7();
    w.create(T::KIND, id, &map)?;
    Ok(id)
}

pub(crate) fn update_in<T: Entity>(w: &mut WriteTx<'_>, settings: &Settings, id: Id, mut data: T) -> Result<bool> {
    let current = query::get::<T>(w.conn(), T::KIND, &id)?.ok_or(Error::NotFound { what: T::KIND.name() })?;
    data.normalize();
    data.on_write(Some(&current.data), w.now());
    data.validate(&ValidationCtx { settings })?;
    let old = to_map(&current.data)?;
    let new = to_map(&data)?;
    let changed: Map<String, Value> = new
        .iter()
        .filter(|(k, v)| old.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if changed.is_empty() {
        return Ok(false);
    }
    check_refs(w, &new, Some(&changed), &data, Some(&current.data))?;
    relations::check::<T>(w, Some(id), &new)?;
    w.update(T::KIND, id, &changed)
}

/// Rules that span records.
mod relations {
    use super::*;

    pub fn check<T: Entity>(w: &WriteTx<'_>, id: Option<Id>, data: &Map<String, Value>) -> Result<()> {
        if T::KIND == EntityKind::Contact {
            reports_to_has_no_cycle(w, id, data)?;
        }
        Ok(())
    }

    /// A contact cannot report to themselves or to someone who (indirectly) reports to them.
    fn reports_to_has_no_cycle(w: &WriteTx<'_>, id: Option<Id>, data: &Map<String, Value>) -> Result<()> {
        let (Some(id), Some(Value::String(boss))) = (id, data.get("reports_to")) else { return Ok(()) };
        let mut cur = boss.clone();
        for _ in 0..1_000 {
            if cur == id.to_string() {
                return Err(Error::invalid("reports_to", "this would make a reporting loop"));
            }
            match query::reports_to(w.conn(), &cur)? {
                Some(n) => cur = n,
                None => return Ok(()),
            }
        }
        Err(Error::invalid("reports_to", "the reporting chain is too deep"))
    }
}
