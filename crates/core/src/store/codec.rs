//! Conversions between a field's JSON value (what serde, the UI and ops carry) and its SQL form.

use crate::domain::{FieldSpec, FieldTy};
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use rusqlite::types::{Value as Sql, ValueRef};
use serde_json::Value;

/// Converts a field's JSON value to what is stored in its column.
pub fn to_sql(field: &FieldSpec, v: &Value) -> Result<Sql> {
    let bad = |what: &str| Error::invalid(field.name, format!("expected {what}"));
    Ok(match (field.ty, v) {
        (_, Value::Null) => Sql::Null,
        (FieldTy::Text | FieldTy::RichText | FieldTy::Date | FieldTy::LocalDateTime | FieldTy::Ref(_), Value::String(s)) => {
            Sql::Text(s.clone())
        }
        (FieldTy::Int, Value::Number(n)) => Sql::Integer(n.as_i64().ok_or_else(|| bad("a whole number"))?),
        (FieldTy::Bool, Value::Bool(b)) => Sql::Integer(*b as i64),
        (FieldTy::Instant, Value::String(s)) => Sql::Integer(parse_instant(s).ok_or_else(|| bad("a date and time"))?),
        (FieldTy::Instant, Value::Number(n)) => Sql::Integer(n.as_i64().ok_or_else(|| bad("a date and time"))?),
        (FieldTy::Json, v @ (Value::Array(_) | Value::Object(_))) => Sql::Text(v.to_string()),
        (FieldTy::Text, other) => Sql::Text(other.to_string()),
        _ => return Err(bad(expected(field.ty))),
    })
}

fn expected(ty: FieldTy) -> &'static str {
    match ty {
        FieldTy::Int => "a whole number",
        FieldTy::Bool => "true or false",
        FieldTy::Instant => "a date and time",
        FieldTy::Json => "a list",
        _ => "text",
    }
}

pub fn parse_instant(s: &str) -> Option<i64> {
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc).timestamp_millis())
}

pub fn instant_json(ms: i64) -> Value {
    match DateTime::<Utc>::from_timestamp_millis(ms) {
        Some(t) => serde_json::to_value(t).unwrap_or(Value::Null),
        None => Value::Null,
    }
}

pub fn millis_to_utc(ms: i64) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or_default()
}

/// Converts a stored column back to the field's JSON value.
pub fn from_sql(field: &FieldSpec, v: ValueRef<'_>) -> Value {
    match (field.ty, v) {
        (_, ValueRef::Null) => Value::Null,
        (FieldTy::Bool, ValueRef::Integer(i)) => Value::Bool(i != 0),
        (FieldTy::Instant, ValueRef::Integer(i)) => instant_json(i),
        (FieldTy::Int, ValueRef::Integer(i)) => Value::from(i),
        (FieldTy::Json, ValueRef::Text(t)) => serde_json::from_slice(t).unwrap_or(Value::Null),
        (_, ValueRef::Text(t)) => Value::String(String::from_utf8_lossy(t).into_owned()),
        (_, ValueRef::Integer(i)) => Value::from(i),
        (_, ValueRef::Real(r)) => serde_json::Number::from_f64(r).map(Value::Number).unwrap_or(Value::Null),
        (_, ValueRef::Blob(_)) => Value::Null,
    }
}
