//! Reading every record as stored, with its per-field clocks and text CRDT state, for the
//! portable archive (see [`crate::io::archive`]).

use super::codec::from_sql;
use super::text;
use crate::domain::{EntityKind, FieldTy};
use crate::error::Result;
use rusqlite::Connection;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// A field clock with its device spelled out: (hlc, device id).
pub type Clock = (i64, Uuid);

/// One record exactly as the book holds it.
#[derive(Debug, Clone)]
pub struct StoredRecord {
    pub id: String,
    pub space: String,
    pub cl: i64,
    pub created_at: Option<i64>,
    pub updated_at: i64,
    /// The record's base clock (the device that made it).
    pub base: Clock,
    pub fields: Map<String, Value>,
    /// Each scalar field's clock (and `created_at`'s); `None`: never written.
    pub clocks: BTreeMap<String, Option<Clock>>,
    /// Each text field's full CRDT state (yrs v1).
    pub text: BTreeMap<String, Vec<u8>>,
}

pub fn stored_records(conn: &Connection, kind: EntityKind, this_device: Uuid) -> Result<Vec<StoredRecord>> {
    let devices: HashMap<i64, Uuid> = conn
        .prepare("SELECT idx, id FROM devices")?
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?
        .filter_map(|r| r.ok())
        .filter_map(|(i, s)| Uuid::parse_str(&s).ok().map(|u| (i, u)))
        .collect();
    let fields = kind.fields();
    let mut cols = Vec::new();
    for f in fields {
        cols.push(f.name.to_string());
        if f.ty == FieldTy::RichText {
            cols.push(format!("{}_doc", f.name));
        }
    }
    let sql = format!("SELECT id, space, cl, created_at, updated_at, _hlc, _dev, _clocks, {} FROM {} ORDER BY rid", cols.join(", "), kind.table());
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let base_raw: (i64, i64) = (r.get(5)?, r.get(6)?);
        let overrides: BTreeMap<String, (i64, i64)> = match r.get::<_, Option<String>>(7)? {
            Some(s) => serde_json::from_str(&s)?,
            None => BTreeMap::new(),
        };
        let resolve = |c: (i64, i64)| (c.0 != 0).then(|| (c.0, devices.get(&c.1).copied().unwrap_or(Uuid::nil())));
        let clock_of = |name: &str| resolve(overrides.get(name).copied().unwrap_or(base_raw));
        let mut rec = StoredRecord {
            id: r.get(0)?,
            space: r.get(1)?,
            cl: r.get(2)?,
            created_at: r.get(3)?,
            updated_at: r.get(4)?,
            base: resolve(base_raw).unwrap_or((0, Uuid::nil())),
            fields: Map::new(),
            clocks: BTreeMap::new(),
            text: BTreeMap::new(),
        };
        rec.clocks.insert("created_at".into(), clock_of("created_at"));
        let mut i = 8;
        for f in fields {
            let v = from_sql(f, r.get_ref(i)?);
            i += 1;
            if f.ty == FieldTy::RichText {
                let doc: Option<Vec<u8>> = r.get(i)?;
                i += 1;
                let plain = v.as_str().unwrap_or("").to_string();
                if let Some(state) = text_state(doc.as_deref(), &plain, this_device)? {
                    rec.text.insert(f.name.into(), state);
                }
                continue;
            }
            rec.clocks.insert(f.name.into(), clock_of(f.name));
            rec.fields.insert(f.name.into(), v);
        }
        out.push(rec);
    }
    Ok(out)
}

/// A text field's CRDT state. A local create stores no copy (`0xFF` + the creating client, or
/// an empty blob from the first version): it is one insert of the plain text by that client,
/// rebuilt here exactly.
fn text_state(doc: Option<&[u8]>, plain: &str, this_device: Uuid) -> Result<Option<Vec<u8>>> {
    let implicit = match doc {
        None => return Ok(None),
        Some([0xFF, rest @ ..]) if rest.len() == 8 => rest.try_into().ok().map(u64::from_le_bytes),
        Some([]) => Some(text::client_id(&this_device)),
        Some(_) => None,
    };
    match (implicit, doc) {
        (Some(client), _) => {
            let d = text::load(client, None)?;
            text::set_text(&d, plain);
            Ok(Some(text::state(&d)))
        }
        (None, Some(bytes)) => Ok(Some(bytes.to_vec())),
        (None, None) => Ok(None),
    }
}
