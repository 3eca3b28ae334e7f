//! Applies a checked batch of setter events inside one write envelope: raw rows
//! (prospects, messages, status changes), the pipeline deals, and the per-day
//! aggregates. Replays are ignored (external ids, Instagram ids); an event
//! about an unknown prospect fails the whole batch.

use super::aggregates::Deltas;
use super::payload::SetterEvent;
use super::pipeline_link::{DealMove, PipelineLink, announce_new, apply_moves};
use super::steps::{LeadState, change_status, record_message, upsert_lead};
use crate::error::{AppError, FieldErrors};
use crate::infra::entity::{deal, lead, setter_lead, setter_message, setter_status_change};
use crate::infra::{Write, time};
use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::{Set, Unchanged};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QuerySelect};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

pub use super::steps::DEFAULT_SOURCE;

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
    let insta: Vec<String> = events
        .iter()
        .map(|e| e.instagram_id().to_string())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut leads: HashMap<String, LeadState> = HashMap::new();
    for chunk in insta.chunks(500) {
        for m in setter_lead::Entity::find()
            .filter(setter_lead::Column::WorkspaceId.eq(workspace_id))
            .filter(setter_lead::Column::InstagramId.is_in(chunk.to_vec()))
            .all(txn)
            .await?
        {
            leads.insert(
                m.instagram_id.clone(),
                LeadState {
                    model: m,
                    created: false,
                    dirty: false,
                    outs: Vec::new(),
                    outs_loaded: false,
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
    let mut replied_stored: Vec<(Uuid, DateTime<Utc>)> = Vec::new();
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
                record_message(
                    txn,
                    state,
                    &mut deltas,
                    &mut messages,
                    &mut replied_stored,
                    workspace_id,
                    m,
                )
                .await?;
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
    for state in leads.into_values() {
        if state.created {
            created.push(state.model.into_active_model().reset_all());
        } else if state.dirty {
            out.leads_updated += 1;
            let mut am = state.model.into_active_model().reset_all();
            am.id = Unchanged(*am.id.as_ref());
            am.update(txn).await?;
        }
    }
    for chunk in created.chunks(200) {
        setter_lead::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    for chunk in messages.chunks(500) {
        setter_message::Entity::insert_many(chunk.iter().map(|m| m.clone().into_active_model().reset_all()))
            .exec_without_returning(txn)
            .await?;
    }
    for (id, at) in replied_stored {
        setter_message::Entity::update(setter_message::ActiveModel {
            id: Unchanged(id),
            replied_at: Set(Some(at)),
            ..Default::default()
        })
        .exec(txn)
        .await?;
    }
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
