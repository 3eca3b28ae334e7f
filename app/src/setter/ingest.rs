//! Applies a checked batch of setter events inside one write envelope: raw rows
//! (prospects, messages, status changes), the pipeline deals, and the per-day
//! aggregates. Replays are ignored (external ids, Instagram ids); an event
//! about an unknown prospect fails the whole batch.

use super::aggregates::Deltas;
use super::payload::SetterEvent;
use super::pipeline_link::{DealMove, PipelineLink, announce_new, apply_moves};
use super::steps::{LeadState, attribute_replies, change_status, record_message, upsert_lead};
use crate::error::{AppError, FieldErrors};
use crate::infra::entity::{deal, lead, setter_lead, setter_message, setter_status_change};
use crate::infra::{Write, time};
use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, Iterable, QueryFilter, QueryOrder,
    QuerySelect, Statement, Value,
};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

pub use super::steps::DEFAULT_SOURCE;

/// Most messages one prospect may have: a real conversation stays far
/// below; the bound keeps the work of crediting replies (which reloads a
/// prospect's recent messages) and a key holder's reach in check.
pub const MAX_MESSAGES_PER_PROSPECT: usize = 20_000;

/// What a batch changed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BatchOutcome {
    /// Events received.
    pub events: usize,
    /// Prospects created.
    pub leads_created: usize,
    /// Prospects updated.
    pub leads_updated: usize,
    /// Messages stored.
    pub messages: usize,
    /// Status changes stored.
    pub status_changes: usize,
    /// Events already applied before (ignored).
    pub duplicates: usize,
}

async fn existing_ids<C: ConnectionTrait>(
    db: &C,
    ids: Vec<String>,
    query: impl Fn(Vec<String>) -> sea_orm::Select<setter_message::Entity>,
) -> Result<HashSet<String>, AppError> {
    let mut found = HashSet::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<String> = query(chunk.to_vec())
            .select_only()
            .column(setter_message::Column::ExternalId)
            .into_tuple()
            .all(db)
            .await?;
        found.extend(rows);
    }
    Ok(found)
}

/// Sets `replied_at` on stored messages, 400 per statement
/// (`UPDATE … SET replied_at = CASE id WHEN … END WHERE id IN (…)`).
async fn set_replied<C: ConnectionTrait>(db: &C, updates: &[(Uuid, Option<DateTime<Utc>>)]) -> Result<(), AppError> {
    let backend = db.get_database_backend();
    let postgres = crate::infra::db::is_postgres(db);
    for chunk in updates.chunks(400) {
        let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * 3);
        let p = |v: Value, values: &mut Vec<Value>| {
            values.push(v);
            if postgres {
                format!("${}", values.len())
            } else {
                "?".to_string()
            }
        };
        let mut cases = String::new();
        for (id, at) in chunk {
            let a = p((*id).into(), &mut values);
            let b = p((*at).into(), &mut values);
            cases.push_str(&format!(" WHEN {a} THEN {b}"));
        }
        let ids: Vec<String> = chunk.iter().map(|(id, _)| p((*id).into(), &mut values)).collect();
        let sql = format!(
            "UPDATE setter_messages SET replied_at = CASE id{cases} END WHERE id IN ({})",
            ids.join(", ")
        );
        db.execute_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?;
    }
    Ok(())
}

/// Applies a batch (the caller commits, or rolls back on error).
pub async fn apply(
    w: &Write,
    workspace_id: Uuid,
    events: Vec<SetterEvent>,
    link: Option<&PipelineLink>,
) -> Result<BatchOutcome, AppError> {
    let txn = w.txn();
    let now = time::now();
    let mut out = BatchOutcome {
        events: events.len(),
        ..Default::default()
    };
    let mut deltas = Deltas::default();

    // Everything the batch refers to, loaded in a few queries.
    let mut insta: Vec<String> = events
        .iter()
        .map(|e| e.instagram_id().to_string())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    insta.sort();
    let mut leads: HashMap<String, LeadState> = HashMap::new();
    for chunk in insta.chunks(500) {
        let query = setter_lead::Entity::find()
            .filter(setter_lead::Column::WorkspaceId.eq(workspace_id))
            .filter(setter_lead::Column::InstagramId.is_in(chunk.to_vec()))
            .order_by_asc(setter_lead::Column::InstagramId);
        // Two batches about the same prospects (n8n sends in parallel) take
        // turns: the second reads what the first committed (on SQLite the
        // envelope's write lock already serialises them). Locked in one
        // order, so that two batches cannot wait for each other.
        let query = if crate::infra::db::is_postgres(txn) {
            query.lock_exclusive()
        } else {
            query
        };
        for m in query.all(txn).await? {
            leads.insert(
                m.instagram_id.clone(),
                LeadState {
                    model: m,
                    created: false,
                    dirty: false,
                },
            );
        }
    }
    let message_ids: Vec<String> = events
        .iter()
        .filter_map(|e| match e {
            SetterEvent::Message(m) => Some(m.external_id.clone()),
            _ => None,
        })
        .collect();
    let mut seen_messages = existing_ids(txn, message_ids, |chunk| {
        setter_message::Entity::find()
            .filter(setter_message::Column::WorkspaceId.eq(workspace_id))
            .filter(setter_message::Column::ExternalId.is_in(chunk))
    })
    .await?;
    let status_ids: Vec<String> = events
        .iter()
        .filter_map(|e| match e {
            SetterEvent::Status(s) => Some(s.external_id.clone()),
            _ => None,
        })
        .collect();
    let mut seen_status: HashSet<String> = HashSet::new();
    for chunk in status_ids.chunks(500) {
        let rows: Vec<String> = setter_status_change::Entity::find()
            .filter(setter_status_change::Column::WorkspaceId.eq(workspace_id))
            .filter(setter_status_change::Column::ExternalId.is_in(chunk.to_vec()))
            .select_only()
            .column(setter_status_change::Column::ExternalId)
            .into_tuple()
            .all(txn)
            .await?;
        seen_status.extend(rows);
    }

    let mut errors = FieldErrors::new();
    let mut new_pipeline: Vec<(lead::ActiveModel, deal::ActiveModel)> = Vec::new();
    let mut messages: Vec<setter_message::Model> = Vec::new();
    let mut changes: Vec<setter_status_change::ActiveModel> = Vec::new();
    let mut moves: HashMap<Uuid, DealMove> = HashMap::new();

    for (i, event) in events.into_iter().enumerate() {
        match event {
            SetterEvent::Lead(l) => upsert_lead(
                &mut leads,
                &mut deltas,
                &mut new_pipeline,
                &mut out,
                workspace_id,
                l,
                link,
                now,
            ),
            SetterEvent::Message(m) => {
                if !seen_messages.insert(m.external_id.clone()) {
                    out.duplicates += 1;
                    continue;
                }
                let Some(state) = leads.get_mut(&m.instagram_id) else {
                    errors.push(
                        &format!("events[{i}].instagram_id"),
                        "Prospect inconnu : envoyez d'abord un évènement lead_upserted.",
                    );
                    continue;
                };
                if (state.model.msgs_in + state.model.msgs_out) as usize >= MAX_MESSAGES_PER_PROSPECT {
                    errors.push(
                        &format!("events[{i}]"),
                        format!("{MAX_MESSAGES_PER_PROSPECT} messages au plus par prospect."),
                    );
                    continue;
                }
                record_message(state, &mut deltas, &mut messages, workspace_id, m);
                out.messages += 1;
            }
            SetterEvent::Status(s) => {
                if !seen_status.insert(s.external_id.clone()) {
                    out.duplicates += 1;
                    continue;
                }
                let Some(state) = leads.get_mut(&s.instagram_id) else {
                    errors.push(
                        &format!("events[{i}].instagram_id"),
                        "Prospect inconnu : envoyez d'abord un évènement lead_upserted.",
                    );
                    continue;
                };
                if let Some((deal_id, m)) = change_status(state, &mut deltas, link, &s, now) {
                    moves.insert(deal_id, m);
                }
                changes.push(setter_status_change::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    workspace_id: Set(workspace_id),
                    setter_lead_id: Set(state.model.id),
                    external_id: Set(s.external_id),
                    status: Set(s.status.key().into()),
                    deal_value_cents: Set(s.deal_value_cents),
                    reason: Set(s.reason),
                    occurred_at: Set(s.at),
                });
                out.status_changes += 1;
            }
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }

    let created: HashSet<Uuid> = leads.values().filter(|s| s.created).map(|s| s.model.id).collect();
    let replied_stored = attribute_replies(txn, &mut messages, &created, &mut deltas).await?;

    // Parents before children.
    for chunk in new_pipeline.chunks(200) {
        lead::Entity::insert_many(chunk.iter().map(|(l, _)| l.clone()))
            .exec_without_returning(txn)
            .await?;
        deal::Entity::insert_many(chunk.iter().map(|(_, d)| d.clone()))
            .exec_without_returning(txn)
            .await?;
    }
    let mut created = Vec::new();
    let mut updated = Vec::new();
    for state in leads.into_values() {
        if state.created {
            created.push(state.model.into_active_model().reset_all());
        } else if state.dirty {
            updated.push(state.model.into_active_model().reset_all());
        }
    }
    out.leads_updated = updated.len();
    for chunk in created.chunks(500) {
        setter_lead::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    // Updated prospects: one multi-row upsert per 500 (one round trip, not
    // one per prospect: PostgreSQL is across a network).
    for chunk in updated.chunks(500) {
        setter_lead::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::column(setter_lead::Column::Id)
                    .update_columns(<setter_lead::Entity as EntityTrait>::Column::iter().filter(|c| {
                        !matches!(
                            c,
                            setter_lead::Column::Id | setter_lead::Column::WorkspaceId | setter_lead::Column::CreatedAt
                        )
                    }))
                    .to_owned(),
            )
            .exec_without_returning(txn)
            .await?;
    }
    for chunk in messages.chunks(500) {
        setter_message::Entity::insert_many(chunk.iter().map(|m| m.clone().into_active_model().reset_all()))
            .exec_without_returning(txn)
            .await?;
    }
    set_replied(txn, &replied_stored).await?;
    for chunk in changes.chunks(500) {
        setter_status_change::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    announce_new(w, &new_pipeline).await?;
    apply_moves(w, workspace_id, moves).await?;
    deltas.flush(txn, workspace_id).await?;
    Ok(out)
}
