//! A canonical dump of the book: every record, every field, its clock and text, in a fixed
//! order. Two books with the same content dump to the same string, whatever order their changes
//! arrived in; tests compare dumps to prove replay and convergence.

use super::codec::from_sql;
use crate::domain::{EntityKind, FieldTy};
use crate::error::Result;
use rusqlite::Connection;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

pub fn canonical_dump(conn: &Connection) -> Result<String> {
    let devices: HashMap<i64, String> = conn
        .prepare("SELECT idx, id FROM devices")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = String::new();
    for kind in EntityKind::ALL {
        let fields = kind.fields();
        let cols: Vec<&str> = fields.iter().map(|f| f.name).collect();
        let sql = format!(
            "SELECT id, space, cl, created_at, updated_at, _hlc, _dev, _clocks{}{} FROM {} ORDER BY id",
            if cols.is_empty() { "" } else { ", " },
            cols.join(", "),
            kind.table()
        );
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let base: (i64, i64) = (r.get(5)?, r.get(6)?);
            let overrides: BTreeMap<String, (i64, i64)> = match r.get::<_, Option<String>>(7)? {
                Some(s) => serde_json::from_str(&s)?,
                None => BTreeMap::new(),
            };
            let clock = |name: &str| {
                let (h, d) = overrides.get(name).copied().unwrap_or(base);
                if h == 0 {
                    Value::Null
                } else {
                    Value::String(format!("{h}@{}", devices.get(&d).map(String::as_str).unwrap_or("?")))
                }
            };
            let mut rec = Map::new();
            rec.insert("kind".into(), Value::String(kind.name().into()));
            rec.insert("id".into(), Value::String(r.get(0)?));
            rec.insert("space".into(), Value::String(r.get(1)?));
            rec.insert("cl".into(), Value::from(r.get::<_, i64>(2)?));
            rec.insert("created_at".into(), r.get::<_, Option<i64>>(3)?.map(Value::from).unwrap_or(Value::Null));
            rec.insert("updated_at".into(), Value::from(r.get::<_, i64>(4)?));
            let mut fmap = Map::new();
            let mut cmap = Map::new();
            cmap.insert("created_at".into(), clock("created_at"));
            for (i, f) in fields.iter().enumerate() {
                let mut v = from_sql(f, r.get_ref(8 + i)?);
                if f.ty == FieldTy::RichText {
                    if v.is_null() {
                        v = Value::String(String::new());
                    }
                } else {
                    cmap.insert(f.name.into(), clock(f.name));
                }
                fmap.insert(f.name.into(), v);
            }
            rec.insert("fields".into(), Value::Object(fmap));
            rec.insert("clocks".into(), Value::Object(cmap));
            out.push_str(&Value::Object(rec).to_string());
            out.push('\n');
        }
    }
    // Concurrent versions (conflicts) are part of what must converge.
    let mut heads: Vec<(String, String, String, i64, String, String)> = conn
        .prepare("SELECT tbl, row_id, field, hlc, dev, value FROM field_heads")?
        .query_map([], |r| {
            let dev: i64 = r.get(4)?;
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, devices.get(&dev).cloned().unwrap_or_default(), r.get(5)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    heads.sort();
    for (tbl, row, field, hlc, dev, value) in heads {
        out.push_str(&format!("head {tbl} {row} {field} {hlc}@{dev} {value}\n"));
    }
    Ok(out)
}
