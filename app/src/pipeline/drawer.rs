//! Everything the deal drawer shows: the lead, its stage history, notes and timeline.

use super::board::{self, lead_facts};
use super::notes::note_view;
use super::{DealDetail, StageChange};
use crate::audit::EventAction;
use crate::domain::money;
use crate::domain::scores::{self};
use crate::error::AppError;
use crate::infra::entity::{deal, event, lead, note, stage};
use crate::infra::{Scope, time};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

fn field_str(json: &Option<String>, key: &str) -> String {
    json.as_deref()
        .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok())
        .and_then(|v| v.get(key).and_then(|s| s.as_str()).map(str::to_string))
        .unwrap_or_default()
}

/// Everything the deal drawer shows.
pub async fn detail(db: &impl ConnectionTrait, scope: &Scope, deal_id: Uuid) -> Result<DealDetail, AppError> {
    let ws = scope.workspace_id.0;
    let (d, l) = deal::Entity::find_by_id(deal_id)
        .filter(deal::Column::WorkspaceId.eq(ws))
        .find_also_related(lead::Entity)
        .one(db)
        .await?
        .and_then(|(d, l)| l.map(|l| (d, l)))
        .ok_or(AppError::NotFound)?;
    let s = stage::Entity::find_by_id(d.stage_id)
        .filter(stage::Column::WorkspaceId.eq(ws))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let notes = note::Entity::find()
        .filter(note::Column::WorkspaceId.eq(ws))
        .filter(note::Column::DealId.eq(d.id))
        .order_by_desc(note::Column::CreatedAt)
        .all(db)
        .await?;
    // The deal's timeline also tells what happened to its quotes and its job.
    let mut subjects = vec![d.id, l.id];
    subjects.extend(
        crate::infra::entity::quote::Entity::find()
            .select_only()
            .column(crate::infra::entity::quote::Column::Id)
            .filter(crate::infra::entity::quote::Column::WorkspaceId.eq(ws))
            .filter(crate::infra::entity::quote::Column::DealId.eq(d.id))
            .into_tuple::<Uuid>()
            .all(db)
            .await?,
    );
    subjects.extend(
        crate::infra::entity::job::Entity::find()
            .select_only()
            .column(crate::infra::entity::job::Column::Id)
            .filter(crate::infra::entity::job::Column::WorkspaceId.eq(ws))
            .filter(crate::infra::entity::job::Column::DealId.eq(d.id))
            .into_tuple::<Uuid>()
            .all(db)
            .await?,
    );
    let history = event::Entity::find()
        .filter(event::Column::WorkspaceId.eq(ws))
        .filter(event::Column::EntityId.is_in(subjects))
        .filter(event::Column::Action.ne(EventAction::QuoteSaved.as_str()))
        .order_by_desc(event::Column::Seq)
        .limit(100)
        .all(db)
        .await?;
    let stage_history = history
        .iter()
        .filter(|e| e.action == EventAction::DealStageChanged.as_str())
        .map(|e| StageChange {
            at: time::display(e.occurred_at),
            actor: e.actor_label.clone(),
            from: field_str(&e.before_json, "stage"),
            to: field_str(&e.after_json, "stage"),
        })
        .collect();
    let timeline = history.iter().map(crate::audit::service::row).collect();
    let owners = board::member_names(db, ws).await?;
    let now = time::now();
    let facts = lead_facts(&l, now);
    let photos = match l.request_id {
        Some(request) => crate::marketplace::photos::links(db, request).await?,
        None => Vec::new(),
    };
    Ok(DealDetail {
        card: board::card(&d, &l, &owners, now),
        stage_name: s.name,
        stage_kind: s.kind,
        phone: l.phone.clone(),
        email: l.email.clone(),
        address: l.address.clone(),
        postcode: l.postcode.clone(),
        description: l.description.clone(),
        photos,
        budget: l.budget_cents.map(money::format_eur),
        source: l.source.label().to_string(),
        assigned_at: time::display(d.assigned_at),
        first_contact_at: d.first_contact_at.map(time::display),
        quote_sent_at: d.quote_sent_at.map(time::display),
        closed_at: d.closed_at.map(time::display),
        score_parts: (scores::freshness(facts.age_hours), scores::completeness(&facts)),
        notes: notes.iter().map(note_view).collect(),
        stage_history,
        timeline,
        can_work: scope.role.can_work_deals(),
    })
}
