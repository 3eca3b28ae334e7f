//! Versions: a sent quote never changes; a change is a new draft version.

use super::store::{self, draft_of, line_rows};
use super::{QuoteStatus, profile, service::find};
use crate::audit::{EventAction, EventEntity};
use crate::domain::Role;
use crate::error::AppError;
use crate::infra::entity::{quote, quote_line};
use crate::infra::{Audit, Scope, Write, time};
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel};
use serde_json::json;
use uuid::Uuid;

/// A new draft version of a sent quote (same client, deal and content,
/// version + 1, no number until sent). The sent version stays as it was; once
/// the new one is sent, the old one can no longer be signed, and a signature
/// never carries over.
pub async fn new_version(w: &Write, scope: &Scope, id: Uuid) -> Result<Uuid, AppError> {
    scope.require(Role::can_write_quotes)?;
    let ws = scope.workspace_id.0;
    let old = find(w, ws, id).await?;
    if old.status == QuoteStatus::Draft {
        return Err(AppError::Conflict("Ce brouillon se modifie directement.".into()));
    }
    let draft = draft_of(&old, &store::lines_of(w, ws, id).await?);
    let settings = profile::load(w, ws).await?;
    let now = time::now();
    let mut q = store::blank(ws, now, &settings);
    q.version = old.version + 1;
    q.supersedes_id = Some(old.id);
    q.created_by_member_id = Some(scope.member_id.0);
    let mut row = q.clone().into_active_model().reset_all();
    let mut fresh = draft.clone();
    fresh.valid_until = q
        .valid_until
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    store::apply_draft(&mut row, &fresh, &fresh.totals());
    quote::Entity::insert(row).exec_without_returning(w).await?;
    let rows = line_rows(ws, q.id, &fresh.lines);
    if !rows.is_empty() {
        quote_line::Entity::insert_many(rows).exec_without_returning(w).await?;
    }
    w.audit(
        Audit::of(EventEntity::Quote, Some(q.id), EventAction::QuoteVersioned)
            .after(json!({ "from": old.id, "number": old.number, "version": q.version })),
    )
    .await?;
    Ok(q.id)
}
