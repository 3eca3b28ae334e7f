//! Browser sessions stored in the database behind an HttpOnly cookie.

use super::crypto;
use super::entity::session;
use super::request::RequestMeta;
use super::time;
use chrono::TimeDelta;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

/// Lifetime of an idle session; each day of use extends it.
pub const SESSION_TTL: TimeDelta = TimeDelta::days(30);
/// How long a session may wait for its second factor.
pub const MFA_PENDING_TTL: TimeDelta = TimeDelta::minutes(10);

/// Opens a session and returns the cookie token (only its hash is stored).
pub async fn create(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    workspace_id: Option<Uuid>,
    mfa_pending: bool,
    meta: &RequestMeta,
) -> Result<(String, session::Model), DbErr> {
    let token = crypto::random_token();
    let now = time::now();
    let ttl = if mfa_pending { MFA_PENDING_TTL } else { SESSION_TTL };
    let model = session::Model {
        id: Uuid::now_v7(),
        token_hash: crypto::sha256_hex(&token),
        user_id,
        workspace_id,
        mfa_pending,
        ip: meta.ip.clone(),
        user_agent: meta.user_agent.clone(),
        created_at: now,
        last_seen_at: now,
        expires_at: now + ttl,
    };
    session::Entity::insert(session::ActiveModel {
        id: Set(model.id),
        token_hash: Set(model.token_hash.clone()),
        user_id: Set(model.user_id),
        workspace_id: Set(model.workspace_id),
        mfa_pending: Set(model.mfa_pending),
        ip: Set(model.ip.clone()),
        user_agent: Set(model.user_agent.clone()),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(model.expires_at),
    })
    .exec_without_returning(db)
    .await?;
    Ok((token, model))
}

/// The live session behind a cookie token.
pub async fn find(db: &impl ConnectionTrait, token: &str) -> Result<Option<session::Model>, DbErr> {
    let now = time::now();
    let found = session::Entity::find()
        .filter(session::Column::TokenHash.eq(crypto::sha256_hex(token)))
        .one(db)
        .await?;
    Ok(found.filter(|s| s.expires_at > now))
}

/// Slides the expiry of a session in use, at most once a day.
pub async fn touch(db: &impl ConnectionTrait, session: &session::Model) -> Result<(), DbErr> {
    let now = time::now();
    if session.mfa_pending || now - session.last_seen_at < TimeDelta::days(1) {
        return Ok(());
    }
    session::Entity::update(session::ActiveModel {
        id: Set(session.id),
        last_seen_at: Set(now),
        expires_at: Set(now + SESSION_TTL),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}

/// Points a session at another workspace.
pub async fn set_workspace(db: &impl ConnectionTrait, session_id: Uuid, workspace_id: Uuid) -> Result<(), DbErr> {
    session::Entity::update(session::ActiveModel {
        id: Set(session_id),
        workspace_id: Set(Some(workspace_id)),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}

/// Ends one session.
pub async fn delete(db: &impl ConnectionTrait, session_id: Uuid) -> Result<(), DbErr> {
    session::Entity::delete_by_id(session_id).exec(db).await?;
    Ok(())
}

/// Ends every session of a user (after a password reset), except `keep`.
pub async fn delete_all_for_user(db: &impl ConnectionTrait, user_id: Uuid, keep: Option<Uuid>) -> Result<u64, DbErr> {
    let mut query = session::Entity::delete_many().filter(session::Column::UserId.eq(user_id));
    if let Some(keep) = keep {
        query = query.filter(session::Column::Id.ne(keep));
    }
    Ok(query.exec(db).await?.rows_affected)
}
