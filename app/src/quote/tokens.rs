//! Portal links: a long random token per (quote, client), only its SHA-256
//! stored, expiring, revocable.

use crate::infra::crypto::{random_token, sha256_hex};
use crate::infra::entity::portal_token;
use crate::infra::time;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};
use uuid::Uuid;

/// Issues a link token; returns the token (never stored in clear).
pub async fn issue(
    txn: &impl ConnectionTrait,
    workspace_id: Uuid,
    quote_id: Uuid,
    contact_id: Uuid,
    expires_at: DateTime<Utc>,
) -> Result<String, DbErr> {
    let token = random_token();
    portal_token::Entity::insert(portal_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        workspace_id: Set(workspace_id),
        quote_id: Set(quote_id),
        contact_id: Set(contact_id),
        token_hash: Set(sha256_hex(&token)),
        expires_at: Set(expires_at),
        created_at: Set(time::now()),
        last_opened_at: Set(None),
        open_count: Set(0),
        revoked_at: Set(None),
    })
    .exec_without_returning(txn)
    .await?;
    Ok(token)
}

/// The portal address of a token.
pub fn link(base_url: &str, token: &str) -> String {
    format!("{}/portal/{token}", base_url.trim_end_matches('/'))
}
