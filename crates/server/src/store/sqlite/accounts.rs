//! Users, devices, spaces and members in SQLite.

use super::uuid;
use crate::store::{Result, StoreError, TokenOwner, UserAuth};
use rapport_core::sync::protocol::{DeviceInfo, SpaceInfo, SpaceKind, SpaceRequest};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use uuid::Uuid;

pub(super) fn kind_str(kind: SpaceKind) -> &'static str {
    match kind {
        SpaceKind::Private => "private",
        SpaceKind::Team => "team",
    }
}

pub(super) fn kind_of(s: &str) -> Result<SpaceKind> {
    match s {
        "private" => Ok(SpaceKind::Private),
        "team" => Ok(SpaceKind::Team),
        other => Err(StoreError::Storage(format!("unknown space kind '{other}' in the database"))),
    }
}

pub(super) fn create_user(conn: &mut Connection, email: &str, key: &str, name: &str, hash: &str, now: i64) -> Result<Uuid> {
    let id = Uuid::now_v7();
    let n = conn.execute(
        "INSERT INTO users (id, email, email_key, name, password_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (email_key) DO NOTHING",
        params![id.to_string(), email, key, name, hash, now],
    )?;
    if n == 0 {
        return Err(StoreError::EmailTaken);
    }
    Ok(id)
}

pub(super) fn user_by_email(conn: &mut Connection, key: &str) -> Result<Option<UserAuth>> {
    let found = conn
        .query_row("SELECT id, password_hash FROM users WHERE email_key = ?1", [key], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })
        .optional()?;
    found.map(|(id, password_hash)| Ok(UserAuth { id: uuid(&id)?, password_hash })).transpose()
}

pub(super) fn register_device(conn: &mut Connection, user: Uuid, device: Uuid, name: &str, hash: &str, now: i64) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let owner: Option<String> =
        tx.query_row("SELECT user_id FROM devices WHERE id = ?1", [device.to_string()], |r| r.get(0)).optional()?;
    match owner {
        Some(o) if o != user.to_string() => {
            return Err(StoreError::Forbidden(format!("device {device} belongs to another user")));
        }
        Some(_) => {
            tx.execute(
                "UPDATE devices SET name = ?2, token_hash = ?3, last_seen = ?4, revoked = 0 WHERE id = ?1",
                params![device.to_string(), name, hash, now],
            )?;
        }
        None => {
            tx.execute(
                "INSERT INTO devices (id, user_id, name, token_hash, created_at, last_seen, revoked) VALUES (?1, ?2, ?3, ?4, ?5, ?5, 0)",
                params![device.to_string(), user.to_string(), name, hash, now],
            )?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// The device holding this token, and when it was last seen.
pub(super) fn token_owner(conn: &mut Connection, hash: &str) -> Result<Option<(TokenOwner, Option<i64>)>> {
    let found = conn
        .prepare_cached("SELECT user_id, id, revoked, last_seen FROM devices WHERE token_hash = ?1")?
        .query_row([hash], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, bool>(2)?, r.get::<_, Option<i64>>(3)?)))
        .optional()?;
    let Some((user, device, revoked, last_seen)) = found else { return Ok(None) };
    Ok(Some((TokenOwner { user: uuid(&user)?, device: uuid(&device)?, revoked }, last_seen)))
}

pub(super) fn touch_device(conn: &Connection, device: Uuid, now: i64) -> Result<()> {
    conn.prepare_cached("UPDATE devices SET last_seen = ?2 WHERE id = ?1 AND (last_seen IS NULL OR last_seen < ?2)")?
        .execute(params![device.to_string(), now])?;
    Ok(())
}

pub(super) fn devices(conn: &mut Connection, user: Uuid) -> Result<Vec<DeviceInfo>> {
    let mut stmt =
        conn.prepare_cached("SELECT id, name, created_at, last_seen, revoked FROM devices WHERE user_id = ?1 ORDER BY created_at, id")?;
    let rows = stmt.query_map([user.to_string()], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?, r.get::<_, Option<i64>>(3)?, r.get::<_, bool>(4)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, name, created_at, last_seen, revoked) = row?;
        out.push(DeviceInfo { id: uuid(&id)?, name, created_at, last_seen, revoked });
    }
    Ok(out)
}

pub(super) fn revoke_device(conn: &mut Connection, user: Uuid, device: Uuid) -> Result<()> {
    let n = conn.execute(
        "UPDATE devices SET revoked = 1 WHERE id = ?1 AND user_id = ?2",
        params![device.to_string(), user.to_string()],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound(format!("you have no device {device}")));
    }
    Ok(())
}

const SPACE_COLUMNS: &str = "s.id, s.name, s.kind, s.owner";

fn space_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, String, String, String)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
}

fn space_info((id, name, kind, owner): (String, String, String, String)) -> Result<SpaceInfo> {
    Ok(SpaceInfo { id: uuid(&id)?, name, kind: kind_of(&kind)?, owner: uuid(&owner)? })
}

pub(super) fn spaces(conn: &mut Connection, user: Uuid) -> Result<Vec<SpaceInfo>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {SPACE_COLUMNS} FROM spaces s WHERE s.owner = ?1
         UNION SELECT {SPACE_COLUMNS} FROM spaces s JOIN members m ON m.space = s.id WHERE m.user_id = ?1
         ORDER BY 1"
    ))?;
    let rows = stmt.query_map([user.to_string()], space_row)?;
    rows.map(|r| space_info(r?)).collect()
}

pub(super) fn create_space(conn: &mut Connection, user: Uuid, req: &SpaceRequest, now: i64) -> Result<SpaceInfo> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute(
        "INSERT INTO spaces (id, name, kind, owner, created_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO NOTHING",
        params![req.id.to_string(), req.name, kind_str(req.kind), user.to_string(), now],
    )?;
    let found = tx.query_row(&format!("SELECT {SPACE_COLUMNS} FROM spaces s WHERE s.id = ?1"), [req.id.to_string()], space_row)?;
    let info = space_info(found)?;
    if info.owner != user {
        return Err(StoreError::Forbidden(format!("space {} belongs to another user", req.id)));
    }
    tx.commit()?;
    Ok(info)
}

pub(super) fn usable_spaces(conn: &mut Connection, user: Uuid, spaces: &[Uuid]) -> Result<Vec<Uuid>> {
    let mut stmt = conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM spaces WHERE id = ?1 AND owner = ?2)
             OR EXISTS (SELECT 1 FROM members WHERE space = ?1 AND user_id = ?2)",
    )?;
    let mut out = Vec::new();
    for space in spaces {
        if stmt.query_row(params![space.to_string(), user.to_string()], |r| r.get::<_, bool>(0))? {
            out.push(*space);
        }
    }
    Ok(out)
}

pub(super) fn add_member(conn: &mut Connection, owner: Uuid, space: Uuid, key: &str) -> Result<Uuid> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found = tx
        .query_row(&format!("SELECT {SPACE_COLUMNS} FROM spaces s WHERE s.id = ?1"), [space.to_string()], space_row)
        .optional()?;
    let info = found.map(space_info).transpose()?.ok_or_else(|| StoreError::NotFound(format!("no space {space}")))?;
    if info.owner != owner {
        return Err(StoreError::Forbidden("only the space's owner may add members".into()));
    }
    if info.kind == SpaceKind::Private {
        return Err(StoreError::Invalid("a private space has no members: share a team space".into()));
    }
    let member: Option<String> = tx.query_row("SELECT id FROM users WHERE email_key = ?1", [key], |r| r.get(0)).optional()?;
    let member = member.ok_or_else(|| StoreError::NotFound("no user with this email".into()))?;
    if member != owner.to_string() {
        tx.execute("INSERT INTO members (space, user_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING", params![space.to_string(), member])?;
    }
    tx.commit()?;
    uuid(&member)
}

pub(super) fn remove_member(conn: &mut Connection, by: Uuid, space: Uuid, member: Uuid) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let owner: Option<String> = tx.query_row("SELECT owner FROM spaces WHERE id = ?1", [space.to_string()], |r| r.get(0)).optional()?;
    let owner = owner.ok_or_else(|| StoreError::NotFound(format!("no space {space}")))?;
    if owner != by.to_string() && by != member {
        return Err(StoreError::Forbidden("only the space's owner may remove other members".into()));
    }
    let n = tx.execute("DELETE FROM members WHERE space = ?1 AND user_id = ?2", params![space.to_string(), member.to_string()])?;
    if n == 0 {
        return Err(StoreError::NotFound(format!("{member} is not a member of this space")));
    }
    tx.commit()?;
    Ok(())
}
