//! Notes on a deal.

use super::NoteView;
use crate::audit::{EventAction, EventEntity};
use crate::domain::Role;
use crate::error::AppError;
use crate::infra::entity::{deal, note};
use crate::infra::{Audit, Scope, Write, time};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

/// Writes a note on a deal.
pub async fn add_note(w: &Write, scope: &Scope, deal_id: Uuid, body: &str) -> Result<NoteView, AppError> {
    let d = deal::Entity::find_by_id(deal_id)
        .filter(deal::Column::WorkspaceId.eq(scope.workspace_id.0))
        .one(w)
        .await?
        .ok_or(AppError::NotFound)?;
    scope.require(Role::can_work_deals)?;
    let body = body.trim();
    if body.is_empty() || body.chars().count() > 4000 {
        return Err(AppError::field("body", "Écrivez une note (4 000 caractères au plus)."));
    }
    let n = note::Model {
        id: Uuid::now_v7(),
        workspace_id: d.workspace_id,
        deal_id: d.id,
        author_member_id: Some(scope.member_id.0),
        author_name: scope.user_name.clone(),
        body: body.to_string(),
        created_at: time::now(),
    };
    note::Entity::insert(note::ActiveModel {
        id: Set(n.id),
        workspace_id: Set(n.workspace_id),
        deal_id: Set(n.deal_id),
        author_member_id: Set(n.author_member_id),
        author_name: Set(n.author_name.clone()),
        body: Set(n.body.clone()),
        created_at: Set(n.created_at),
    })
    .exec_without_returning(w)
    .await?;
    w.audit(
        Audit::of(EventEntity::Note, Some(n.id), EventAction::NoteAdded)
            .after(json!({ "deal_id": d.id, "length": n.body.chars().count() })),
    )
    .await?;
    Ok(note_view(&n))
}

/// A note as the drawer shows it.
pub(super) fn note_view(n: &note::Model) -> NoteView {
    NoteView {
        id: crate::domain::NoteId(n.id),
        author: n.author_name.clone(),
        created_at: time::display(n.created_at),
        body: n.body.clone(),
    }
}
