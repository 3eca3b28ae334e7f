//! API keys of a workspace: created (the secret shown once), listed, revoked,
//! and checked on every feed request (by SHA-256, never stored in clear).

use super::{ApiKeyView, CreatedApiKey};
use crate::audit::{EventAction, EventEntity};
use crate::error::{AppError, FieldErrors};
use crate::infra::entity::api_key;
use crate::infra::{Audit, Scope, Write, crypto, time};
use sea_orm::ActiveValue::{Set, Unchanged};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder};
use uuid::Uuid;

/// Prefix of every key, so that secret scanners recognise them.
pub const KEY_PREFIX: &str = "cpt_";

fn view(k: api_key::Model) -> ApiKeyView {
    ApiKeyView {
        id: crate::domain::ApiKeyId(k.id),
        name: k.name,
        prefix: k.prefix,
        created_at: time::display(k.created_at),
        last_used_at: k.last_used_at.map(time::display),
        revoked_at: k.revoked_at.map(time::display),
    }
}

/// The workspace's keys, newest first.
pub async fn list(db: &impl ConnectionTrait, scope: &Scope) -> Result<Vec<ApiKeyView>, AppError> {
    Ok(api_key::Entity::find()
        .filter(api_key::Column::WorkspaceId.eq(scope.workspace_id.0))
        .order_by_desc(api_key::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(view)
        .collect())
}

/// Creates a key; its secret is only in the answer.
pub async fn create(w: &Write, scope: &Scope, name: &str) -> Result<CreatedApiKey, AppError> {
    let name = name.trim();
    let mut errors = FieldErrors::new();
    if name.is_empty() {
        errors.push("name", "Donnez un nom à la clé (par exemple « n8n »).");
    } else if name.chars().count() > 60 {
        errors.push("name", "60 caractères au plus.");
    }
    errors.into_result()?;
    let (model, secret) = insert(w, scope.workspace_id.0, name, Some(scope.user_id.0), false).await?;
    w.audit(
        Audit::of(EventEntity::ApiKey, Some(model.id), EventAction::ApiKeyCreated)
            .after(serde_json::json!({"name": model.name, "prefix": model.prefix})),
    )
    .await?;
    Ok(CreatedApiKey {
        key: view(model),
        secret,
    })
}

/// Stores a new key (hashed) and returns it with its secret. `revoked`: a key
/// for this process only (the data generator), never accepted over HTTP.
pub async fn insert(
    db: &impl ConnectionTrait,
    workspace_id: Uuid,
    name: &str,
    created_by: Option<Uuid>,
    revoked: bool,
) -> Result<(api_key::Model, String), sea_orm::DbErr> {
    let secret = format!("{KEY_PREFIX}{}", crypto::random_token());
    let now = time::now();
    let model = api_key::Model {
        id: Uuid::now_v7(),
        workspace_id,
        name: name.to_string(),
        prefix: secret.chars().take(KEY_PREFIX.len() + 6).collect(),
        key_hash: crypto::sha256_hex(&secret),
        created_by_user_id: created_by,
        created_at: now,
        last_used_at: None,
        revoked_at: revoked.then_some(now),
    };
    api_key::Entity::insert(model.clone().into_active_model().reset_all())
        .exec_without_returning(db)
        .await?;
    Ok((model, secret))
}

/// Revokes a key of the workspace (another workspace's key is "not found").
pub async fn revoke(w: &Write, scope: &Scope, id: Uuid) -> Result<ApiKeyView, AppError> {
    let key = api_key::Entity::find_by_id(id)
        .filter(api_key::Column::WorkspaceId.eq(scope.workspace_id.0))
        .one(w)
        .await?
        .ok_or(AppError::NotFound)?;
    if key.revoked_at.is_some() {
        return Ok(view(key));
    }
    let now = time::now();
    api_key::Entity::update(api_key::ActiveModel {
        id: Unchanged(id),
        revoked_at: Set(Some(now)),
        ..Default::default()
    })
    .exec(w)
    .await?;
    w.audit(
        Audit::of(EventEntity::ApiKey, Some(id), EventAction::ApiKeyRevoked)
            .before(serde_json::json!({"name": key.name, "prefix": key.prefix})),
    )
    .await?;
    Ok(view(api_key::Model {
        revoked_at: Some(now),
        ..key
    }))
}

/// The live key behind a bearer secret.
pub async fn authenticate(db: &impl ConnectionTrait, secret: &str) -> Result<Option<api_key::Model>, AppError> {
    if !secret.starts_with(KEY_PREFIX) || secret.len() > 200 {
        return Ok(None);
    }
    Ok(api_key::Entity::find()
        .filter(api_key::Column::KeyHash.eq(crypto::sha256_hex(secret)))
        .filter(api_key::Column::RevokedAt.is_null())
        .one(db)
        .await?)
}
