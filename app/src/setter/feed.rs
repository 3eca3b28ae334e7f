//! `POST /api/v1/setter/events`: one request, one write envelope.

use super::ingest::{self, BatchOutcome};
use super::payload;
use super::pipeline_link::PipelineLink;
use crate::audit::{EventAction, EventEntity};
use crate::domain::{DomainEvent, WorkspaceId};
use crate::error::{AppError, FieldErrors};
use crate::infra::entity::api_key;
use crate::infra::events::Actor;
use crate::infra::request::RequestMeta;
use crate::infra::{AppState, Audit, Write, time};
use sea_orm::ActiveValue::{Set, Unchanged};
use sea_orm::EntityTrait;

/// Why a feed request was refused.
#[derive(Debug)]
pub enum FeedError {
    /// Missing, unknown or revoked key (401).
    Unauthorized,
    /// Bad payload or unknown prospect (422), with one message per field.
    Invalid(FieldErrors),
    /// Anything else (500, logged).
    Failed(AppError),
}

impl From<AppError> for FeedError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Validation(f) => FeedError::Invalid(f),
            other => FeedError::Failed(other),
        }
    }
}

impl From<sea_orm::DbErr> for FeedError {
    fn from(e: sea_orm::DbErr) -> Self {
        FeedError::Failed(e.into())
    }
}

/// A batch applied, and the optional fields dropped from it.
#[derive(Debug)]
pub struct Received {
    pub outcome: BatchOutcome,
    pub warnings: FieldErrors,
}

/// Checks the key and the body, then applies every event or none.
pub async fn receive(
    state: &AppState,
    bearer: Option<&str>,
    body: &[u8],
    meta: RequestMeta,
) -> Result<Received, FeedError> {
    let key = match bearer {
        Some(secret) => super::keys::authenticate(&state.db, secret).await?,
        None => None,
    }
    .ok_or(FeedError::Unauthorized)?;
    let json: serde_json::Value = serde_json::from_slice(body).map_err(|_| {
        let mut f = FieldErrors::new();
        f.push("body", "JSON invalide.");
        FeedError::Invalid(f)
    })?;
    let batch = payload::parse_batch(&json, time::now()).map_err(FeedError::Invalid)?;
    let outcome = apply(state, &key, batch.events, meta).await?;
    Ok(Received {
        outcome,
        warnings: batch.warnings,
    })
}

/// Applies a checked batch for a key's workspace, in one transaction with its
/// audit event (also used by the data generator).
pub async fn apply(
    state: &AppState,
    key: &api_key::Model,
    batch: Vec<payload::SetterEvent>,
    meta: RequestMeta,
) -> Result<BatchOutcome, FeedError> {
    let actor = Actor {
        user_id: None,
        label: format!("Clé API « {} » ({}…)", key.name, key.prefix),
        meta,
    };
    let w = Write::begin(state, actor, Some(WorkspaceId(key.workspace_id))).await?;
    let link = PipelineLink::load(&w, key.workspace_id).await?;
    let outcome = ingest::apply(&w, key.workspace_id, batch, link.as_ref()).await?;
    w.audit(
        Audit::of(EventEntity::SetterFeed, Some(key.id), EventAction::SetterBatchApplied)
            .after(serde_json::to_value(&outcome).unwrap_or_default()),
    )
    .await?;
    let applied = outcome.events - outcome.duplicates;
    if applied > 0 {
        w.emit(DomainEvent::SetterBatchRecorded {
            applied: u32::try_from(applied).unwrap_or(u32::MAX),
        })
        .await?;
    }
    api_key::Entity::update(api_key::ActiveModel {
        id: Unchanged(key.id),
        last_used_at: Set(Some(time::now())),
        ..Default::default()
    })
    .exec(&w)
    .await?;
    w.commit().await?;
    Ok(outcome)
}
