//! Users, devices, spaces and members in PostgreSQL.

use crate::store::{Result, StoreError, TokenOwner, UserAuth};
use rapport_core::sync::protocol::{DeviceInfo, SpaceInfo, SpaceKind, SpaceRequest};
use sqlx::PgPool;
use uuid::Uuid;

fn kind_str(kind: SpaceKind) -> &'static str {
    match kind {
        SpaceKind::Private => "private",
        SpaceKind::Team => "team",
    }
}

fn space_info((id, name, kind, owner): (Uuid, String, String, Uuid)) -> Result<SpaceInfo> {
    let kind = match kind.as_str() {
        "private" => SpaceKind::Private,
        "team" => SpaceKind::Team,
        other => return Err(StoreError::Storage(format!("unknown space kind '{other}' in the database"))),
    };
    Ok(SpaceInfo { id, name, kind, owner })
}

pub(super) async fn create_user(pool: &PgPool, email: &str, key: &str, name: &str, hash: &str, now: i64) -> Result<Uuid> {
    let id: Option<Uuid> = sqlx::query_scalar(
        "INSERT INTO users (id, email, email_key, name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (email_key) DO NOTHING RETURNING id",
    )
    .bind(Uuid::now_v7())
    .bind(email)
    .bind(key)
    .bind(name)
    .bind(hash)
    .bind(now)
    .fetch_optional(pool)
    .await?;
    id.ok_or(StoreError::EmailTaken)
}

pub(super) async fn user_by_email(pool: &PgPool, key: &str) -> Result<Option<UserAuth>> {
    let found: Option<(Uuid, String)> =
        sqlx::query_as("SELECT id, password_hash FROM users WHERE email_key = $1").bind(key).fetch_optional(pool).await?;
    Ok(found.map(|(id, password_hash)| UserAuth { id, password_hash }))
}

pub(super) async fn register_device(pool: &PgPool, user: Uuid, device: Uuid, name: &str, hash: &str, now: i64) -> Result<()> {
    // One statement: inserts, or re-registers the user's own device; another user's stays as is.
    let done: Option<Uuid> = sqlx::query_scalar(
        "INSERT INTO devices (id, user_id, name, token_hash, created_at, last_seen, revoked) VALUES ($1, $2, $3, $4, $5, $5, FALSE)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, token_hash = excluded.token_hash,
             last_seen = excluded.last_seen, revoked = FALSE
         WHERE devices.user_id = excluded.user_id
         RETURNING id",
    )
    .bind(device)
    .bind(user)
    .bind(name)
    .bind(hash)
    .bind(now)
    .fetch_optional(pool)
    .await?;
    done.map(|_| ()).ok_or_else(|| StoreError::Forbidden(format!("device {device} belongs to another user")))
}

pub(super) async fn token_owner(pool: &PgPool, hash: &str, now: i64) -> Result<Option<TokenOwner>> {
    let found: Option<(Uuid, Uuid, bool, Option<i64>)> =
        sqlx::query_as("SELECT user_id, id, revoked, last_seen FROM devices WHERE token_hash = $1").bind(hash).fetch_optional(pool).await?;
    let Some((user, device, revoked, last_seen)) = found else { return Ok(None) };
    // Last seen to the minute: no write on every request, and the request does not wait for it.
    if !revoked && last_seen.is_none_or(|t| now - t >= 60_000) {
        let pool = pool.clone();
        tokio::spawn(async move {
            let touch = sqlx::query("UPDATE devices SET last_seen = $2 WHERE id = $1 AND (last_seen IS NULL OR last_seen < $2)")
                .bind(device)
                .bind(now)
                .execute(&pool)
                .await;
            if let Err(e) = touch {
                tracing::warn!(%device, error = %e, "could not record when the device was last seen");
            }
        });
    }
    Ok(Some(TokenOwner { user, device, revoked }))
}

pub(super) async fn devices(pool: &PgPool, user: Uuid) -> Result<Vec<DeviceInfo>> {
    let rows: Vec<(Uuid, String, i64, Option<i64>, bool)> =
        sqlx::query_as("SELECT id, name, created_at, last_seen, revoked FROM devices WHERE user_id = $1 ORDER BY created_at, id")
            .bind(user)
            .fetch_all(pool)
            .await?;
    Ok(rows.into_iter().map(|(id, name, created_at, last_seen, revoked)| DeviceInfo { id, name, created_at, last_seen, revoked }).collect())
}

pub(super) async fn revoke_device(pool: &PgPool, user: Uuid, device: Uuid) -> Result<()> {
    let n = sqlx::query("UPDATE devices SET revoked = TRUE WHERE id = $1 AND user_id = $2").bind(device).bind(user).execute(pool).await?;
    if n.rows_affected() == 0 {
        return Err(StoreError::NotFound(format!("you have no device {device}")));
    }
    Ok(())
}

pub(super) async fn spaces(pool: &PgPool, user: Uuid) -> Result<Vec<SpaceInfo>> {
    let rows: Vec<(Uuid, String, String, Uuid)> = sqlx::query_as(
        "SELECT s.id, s.name, s.kind, s.owner FROM spaces s WHERE s.owner = $1
         UNION SELECT s.id, s.name, s.kind, s.owner FROM spaces s JOIN members m ON m.space = s.id WHERE m.user_id = $1
         ORDER BY 1",
    )
    .bind(user)
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(space_info).collect()
}

async fn space(pool: &PgPool, id: Uuid) -> Result<Option<SpaceInfo>> {
    let found: Option<(Uuid, String, String, Uuid)> =
        sqlx::query_as("SELECT id, name, kind, owner FROM spaces WHERE id = $1").bind(id).fetch_optional(pool).await?;
    found.map(space_info).transpose()
}

pub(super) async fn create_space(pool: &PgPool, user: Uuid, req: &SpaceRequest, now: i64) -> Result<SpaceInfo> {
    sqlx::query("INSERT INTO spaces (id, name, kind, owner, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING")
        .bind(req.id)
        .bind(&req.name)
        .bind(kind_str(req.kind))
        .bind(user)
        .bind(now)
        .execute(pool)
        .await?;
    let info = space(pool, req.id).await?.ok_or_else(|| StoreError::Storage("the space vanished after its insert".into()))?;
    if info.owner != user {
        return Err(StoreError::Forbidden(format!("space {} belongs to another user", req.id)));
    }
    Ok(info)
}

pub(super) async fn usable_spaces(pool: &PgPool, user: Uuid, spaces: Vec<Uuid>) -> Result<Vec<Uuid>> {
    let ok: Vec<Uuid> = sqlx::query_scalar(
        "SELECT s.id FROM spaces s WHERE s.id = ANY($1::uuid[])
           AND (s.owner = $2 OR EXISTS (SELECT 1 FROM members m WHERE m.space = s.id AND m.user_id = $2))",
    )
    .bind(&spaces)
    .bind(user)
    .fetch_all(pool)
    .await?;
    Ok(spaces.into_iter().filter(|s| ok.contains(s)).collect())
}

pub(super) async fn add_member(pool: &PgPool, owner: Uuid, space_id: Uuid, key: &str) -> Result<Uuid> {
    let info = space(pool, space_id).await?.ok_or_else(|| StoreError::NotFound(format!("no space {space_id}")))?;
    if info.owner != owner {
        return Err(StoreError::Forbidden("only the space's owner may add members".into()));
    }
    if info.kind == SpaceKind::Private {
        return Err(StoreError::Invalid("a private space has no members: share a team space".into()));
    }
    let member: Option<Uuid> = sqlx::query_scalar("SELECT id FROM users WHERE email_key = $1").bind(key).fetch_optional(pool).await?;
    let member = member.ok_or_else(|| StoreError::NotFound("no user with this email".into()))?;
    if member != owner {
        sqlx::query("INSERT INTO members (space, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(space_id)
            .bind(member)
            .execute(pool)
            .await?;
    }
    Ok(member)
}

pub(super) async fn remove_member(pool: &PgPool, by: Uuid, space_id: Uuid, member: Uuid) -> Result<()> {
    let info = space(pool, space_id).await?.ok_or_else(|| StoreError::NotFound(format!("no space {space_id}")))?;
    if info.owner != by && by != member {
        return Err(StoreError::Forbidden("only the space's owner may remove other members".into()));
    }
    let n = sqlx::query("DELETE FROM members WHERE space = $1 AND user_id = $2").bind(space_id).bind(member).execute(pool).await?;
    if n.rows_affected() == 0 {
        return Err(StoreError::NotFound(format!("{member} is not a member of this space")));
    }
    Ok(())
}
