//! Reading records: one by id, or a filtered, sorted page.

use super::codec::{from_sql, millis_to_utc, to_sql};
use super::health::{BANDS, HEALTH_FIELD};
use crate::domain::{EntityKind, FieldTy, Id, Record};
use crate::error::{Error, Result};
use rusqlite::types::Value as Sql;
use rusqlite::{params_from_iter, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::OnceLock;

/// Which records a list includes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Include {
    #[default]
    Alive,
    /// Only what is in Trash.
    Deleted,
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum FilterOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// Case-insensitive substring match on text.
    Like,
    /// A list field (tags, ids) contains the value.
    Contains,
    IsNull,
    NotNull,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Filter {
    pub field: String,
    pub op: FilterOp,
    #[serde(default)]
    pub value: Value,
}

impl Filter {
    pub fn eq(field: &str, value: impl Into<Value>) -> Filter {
        Filter { field: field.into(), op: FilterOp::Eq, value: value.into() }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Sort {
    pub field: String,
    #[serde(default)]
    pub desc: bool,
}

/// A list request: filters (all must hold), sort keys, and a page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct ListQuery {
    pub filters: Vec<Filter>,
    pub sort: Vec<Sort>,
    pub offset: u32,
    pub limit: u32,
    pub include: Include,
}

impl Default for ListQuery {
    fn default() -> Self {
        ListQuery { filters: Vec::new(), sort: Vec::new(), offset: 0, limit: 50, include: Include::Alive }
    }
}

impl ListQuery {
    pub fn filter(mut self, f: Filter) -> Self {
        self.filters.push(f);
        self
    }

    pub fn sort_by(mut self, field: &str, desc: bool) -> Self {
        self.sort.push(Sort { field: field.into(), desc });
        self
    }

    pub fn page(mut self, offset: u32, limit: u32) -> Self {
        self.offset = offset;
        self.limit = limit;
        self
    }
}

pub const MAX_PAGE: u32 = 1_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The offset of the next page, if there is one.
    pub next_offset: Option<u32>,
}

fn select_sql(kind: EntityKind) -> &'static str {
    static SQL: OnceLock<HashMap<EntityKind, String>> = OnceLock::new();
    let map = SQL.get_or_init(|| {
        EntityKind::ALL
            .into_iter()
            .map(|k| {
                let cols: Vec<&str> = ["id", "space", "cl", "created_at", "updated_at"]
                    .into_iter()
                    .chain(k.fields().iter().map(|f| f.name))
                    .collect();
                (k, format!("SELECT {} FROM {}", cols.join(", "), k.table()))
            })
            .collect()
    });
    map.get(&kind).map(String::as_str).unwrap_or("")
}

/// Turns a row of [`select_sql`] into a record of `T`.
fn record_from_row<T: serde::de::DeserializeOwned>(kind: EntityKind, r: &Row<'_>) -> rusqlite::Result<Result<Record<T>>> {
    let id: String = r.get(0)?;
    let space: String = r.get(1)?;
    let cl: i64 = r.get(2)?;
    let created: Option<i64> = r.get(3)?;
    let updated: i64 = r.get(4)?;
    let mut map = Map::with_capacity(kind.fields().len());
    for (i, f) in kind.fields().iter().enumerate() {
        let mut v = from_sql(f, r.get_ref(5 + i)?);
        if v.is_null() && f.ty == FieldTy::RichText {
            v = Value::String(String::new());
        }
        if v.is_null() {
            continue; // serde(default) fills it
        }
        map.insert(f.name.to_string(), v);
    }
    Ok((|| {
        let parse = |s: &str| uuid::Uuid::parse_str(s).map_err(|e| Error::Storage(format!("id: {e}")));
        let data: T = serde_json::from_value(Value::Object(map))
            .map_err(|e| Error::Storage(format!("{} {id} does not decode: {e}", kind.name())))?;
        Ok(Record {
            id: parse(&id)?,
            space: parse(&space)?,
            created_at: millis_to_utc(created.unwrap_or(0)),
            updated_at: millis_to_utc(updated),
            deleted: cl % 2 == 0,
            data,
        })
    })())
}

pub fn get<T: serde::de::DeserializeOwned>(conn: &Connection, kind: EntityKind, id: &Id) -> Result<Option<Record<T>>> {
    let sql = format!("{} WHERE id = ?1", select_sql(kind));
    let mut stmt = conn.prepare_cached(&sql)?;
    match stmt.query_row([id.to_string()], |r| record_from_row::<T>(kind, r)).optional()? {
        Some(rec) => Ok(Some(rec?)),
        None => Ok(None),
    }
}

/// Whether a live (not deleted) record of `kind` with this id exists.
pub fn exists(conn: &Connection, kind: EntityKind, id: &Id) -> Result<bool> {
    let sql = format!("SELECT cl FROM {} WHERE id = ?1", kind.table());
    let cl: Option<i64> = conn.prepare_cached(&sql)?.query_row([id.to_string()], |r| r.get(0)).optional()?;
    Ok(matches!(cl, Some(c) if c % 2 == 1))
}

fn column_for(kind: EntityKind, field: &str) -> Result<&'static crate::domain::FieldSpec> {
    static SYSTEM: [crate::domain::FieldSpec; 2] = [
        crate::domain::FieldSpec { name: "created_at", ty: FieldTy::Instant },
        crate::domain::FieldSpec { name: "updated_at", ty: FieldTy::Instant },
    ];
    kind.field(field)
        .or_else(|| SYSTEM.iter().find(|f| f.name == field))
        .ok_or_else(|| Error::invalid(field, format!("a {} has no field '{field}' to filter or sort by", kind.name())))
}

/// Builds the WHERE clause and parameters of a list query (shared by list and count).
pub fn where_clause(kind: EntityKind, q: &ListQuery) -> Result<(String, Vec<Sql>)> {
    let mut clauses = vec![match q.include {
        Include::Alive => "cl % 2 = 1".to_string(),
        Include::Deleted => "cl % 2 = 0".to_string(),
        Include::All => "1".to_string(),
    }];
    let mut params = Vec::new();
    for f in &q.filters {
        if kind == EntityKind::Account && f.field == HEALTH_FIELD {
            clauses.push(health_clause(f, &mut params)?);
            continue;
        }
        let spec = column_for(kind, &f.field)?;
        let col = spec.name;
        let mut bind = |v: &Value| -> Result<String> {
            params.push(to_sql(spec, v).map_err(|_| Error::invalid(&f.field, "the filter value has the wrong type"))?);
            Ok(format!("?{}", params.len()))
        };
        let clause = match f.op {
            FilterOp::Eq => format!("{col} = {}", bind(&f.value)?),
            FilterOp::Ne => format!("({col} IS NULL OR {col} <> {})", bind(&f.value)?),
            FilterOp::Lt => format!("{col} < {}", bind(&f.value)?),
            FilterOp::Le => format!("{col} <= {}", bind(&f.value)?),
            FilterOp::Gt => format!("{col} > {}", bind(&f.value)?),
            FilterOp::Ge => format!("{col} >= {}", bind(&f.value)?),
            FilterOp::IsNull => format!("{col} IS NULL"),
            FilterOp::NotNull => format!("{col} IS NOT NULL"),
            FilterOp::Like => {
                let s = f.value.as_str().ok_or_else(|| Error::invalid(&f.field, "a text filter needs text"))?;
                let pattern = format!("%{}%", s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
                params.push(Sql::Text(pattern));
                format!("{col} LIKE ?{} ESCAPE '\\'", params.len())
            }
            FilterOp::Contains => {
                if spec.ty != FieldTy::Json {
                    return Err(Error::invalid(&f.field, "only list fields can be filtered by 'contains'"));
                }
                let v = match &f.value {
                    Value::String(s) => Sql::Text(s.clone()),
                    other => Sql::Text(other.to_string()),
                };
                params.push(v);
                format!("EXISTS (SELECT 1 FROM json_each({col}) WHERE json_each.value = ?{})", params.len())
            }
        };
        clauses.push(clause);
    }
    Ok((clauses.join(" AND "), params))
}

/// The accounts' virtual `health` field: the stored band (see [`super::health`]), `eq` or
/// `ne` one of good, attention, risk. The caller refreshes the bands first.
fn health_clause(f: &Filter, params: &mut Vec<Sql>) -> Result<String> {
    let band = f.value.as_str().filter(|v| BANDS.contains(v)).ok_or_else(|| {
        Error::invalid(HEALTH_FIELD, format!("a health filter is one of {}", BANDS.join(", ")))
    })?;
    params.push(Sql::Text(band.to_string()));
    let n = params.len();
    match f.op {
        FilterOp::Eq => Ok(format!("id IN (SELECT account_id FROM account_health WHERE band = ?{n})")),
        FilterOp::Ne => Ok(format!("id NOT IN (SELECT account_id FROM account_health WHERE band = ?{n})")),
        _ => Err(Error::invalid(HEALTH_FIELD, "health can be filtered by 'eq' or 'ne' a band")),
    }
}

pub fn list<T: serde::de::DeserializeOwned>(conn: &Connection, kind: EntityKind, q: &ListQuery) -> Result<Page<Record<T>>> {
    if q.limit == 0 || q.limit > MAX_PAGE {
        return Err(Error::invalid("limit", format!("a page holds 1 to {MAX_PAGE} records")));
    }
    let (wh, params) = where_clause(kind, q)?;
    let mut order = Vec::new();
    for s in &q.sort {
        let spec = column_for(kind, &s.field)?;
        order.push(format!("{} {}", spec.name, if s.desc { "DESC" } else { "ASC" }));
    }
    // Ties go in the direction of the last sort key, so an index on the sort columns serves
    // a descending list too (it walks backwards instead of sorting).
    order.push(if q.sort.last().is_some_and(|s| s.desc) { "rid DESC" } else { "rid ASC" }.into());
    let sql = format!(
        "{} WHERE {} ORDER BY {} LIMIT {} OFFSET {}",
        select_sql(kind),
        wh,
        order.join(", "),
        q.limit + 1,
        q.offset
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(params), |r| record_from_row::<T>(kind, r))?;
    let mut items = Vec::with_capacity(q.limit as usize);
    for r in rows {
        items.push(r??);
    }
    let next_offset = if items.len() > q.limit as usize {
        items.pop();
        Some(q.offset + q.limit)
    } else {
        None
    };
    Ok(Page { items, next_offset })
}

pub fn count(conn: &Connection, kind: EntityKind, q: &ListQuery) -> Result<u64> {
    let (wh, params) = where_clause(kind, q)?;
    let sql = format!("SELECT count(*) FROM {} WHERE {}", kind.table(), wh);
    let n: i64 = conn.prepare_cached(&sql)?.query_row(params_from_iter(params), |r| r.get(0))?;
    Ok(n as u64)
}

/// Whom a contact reports to (for the org chart's loop check).
pub fn reports_to(conn: &Connection, contact: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT reports_to FROM contacts WHERE id = ?1")?
        .query_row([contact], |r| r.get(0))
        .optional()?
        .flatten())
}
