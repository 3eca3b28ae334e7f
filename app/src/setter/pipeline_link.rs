//! Setter prospects join the workspace's first pipeline (« Prospects
//! Instagram » in the coach pack): each becomes a lead with one deal. When a
//! prospect's status changes, its deal moves to the stage linked to that
//! status (`stages.setter_status`, set in the pipeline settings; for won and
//! lost without a link, the first stage of that kind), through the pipeline
//! rules like a drag on the board: audit events, sibling deals lost and a job
//! opened on a win, positions, live boards.

use super::SetterStatus;
use super::payload::LeadUpsert;
use crate::domain::deal_rules::Trigger;
use crate::domain::{DealId, DomainEvent, LeadId, PipelineId, StageId, StageKind, WorkspaceId};
use crate::error::AppError;
use crate::infra::Write;
use crate::infra::entity::{deal, lead, pipeline, stage};
use crate::pipeline::LeadSource;
use crate::pipeline::rules::{self, Change, Placement};
use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;
use uuid::Uuid;

/// Where the workspace's setter prospects go.
#[derive(Clone, Debug)]
pub struct PipelineLink {
    pipeline_id: Uuid,
    first_stage: Uuid,
    stages: HashMap<SetterStatus, (Uuid, StageKind)>,
}

/// What a deal becomes after a status change.
#[derive(Clone, Debug, PartialEq)]
pub struct DealMove {
    /// New stage.
    pub stage_id: Uuid,
    /// Closing time (won or lost stages).
    pub closed_at: Option<DateTime<Utc>>,
    /// Deal value when won.
    pub value_cents: Option<i64>,
    /// Why it was lost.
    pub lost_reason: Option<String>,
}

impl PipelineLink {
    /// The workspace's first pipeline and its stages; `None` without pipeline.
    pub async fn load(db: &impl ConnectionTrait, workspace_id: Uuid) -> Result<Option<PipelineLink>, DbErr> {
        let Some(p) = pipeline::Entity::find()
            .filter(pipeline::Column::WorkspaceId.eq(workspace_id))
            .order_by_asc(pipeline::Column::Position)
            .one(db)
            .await?
        else {
            return Ok(None);
        };
        let stages = stage::Entity::find()
            .filter(stage::Column::WorkspaceId.eq(workspace_id))
            .filter(stage::Column::PipelineId.eq(p.id))
            .order_by_asc(stage::Column::Position)
            .all(db)
            .await?;
        let Some(first) = stages.iter().find(|s| s.kind == StageKind::Open).or(stages.first()) else {
            return Ok(None);
        };
        let mut map = HashMap::new();
        for status in SetterStatus::ALL {
            let linked = stages.iter().find(|s| s.setter_status.as_deref() == Some(status.key()));
            let by_kind = match status {
                SetterStatus::Won => stages.iter().find(|s| s.kind == StageKind::Won),
                SetterStatus::Lost => stages.iter().find(|s| s.kind == StageKind::Lost),
                _ => None,
            };
            if let Some(s) = linked.or(by_kind) {
                map.insert(status, (s.id, s.kind));
            }
        }
        Ok(Some(PipelineLink {
            pipeline_id: p.id,
            first_stage: first.id,
            stages: map,
        }))
    }

    /// A new lead and its deal for a prospect (not yet inserted).
    pub fn new_rows(
        &self,
        workspace_id: Uuid,
        l: &LeadUpsert,
        now: DateTime<Utc>,
    ) -> (lead::ActiveModel, deal::ActiveModel) {
        let lead_id = Uuid::now_v7();
        let name = format!("{} {}", l.first_name, l.last_name).trim().to_string();
        let contact_name = match (&l.username, name.is_empty()) {
            (Some(u), true) => format!("@{u}"),
            (_, true) => format!("Instagram {}", l.instagram_id),
            _ => name,
        };
        let source = l.source.as_deref().unwrap_or(super::ingest::DEFAULT_SOURCE);
        let mut description = format!("Prospect Instagram (source : {source})");
        if let Some(job) = &l.job_title {
            description.push_str(&format!(", {job}"));
        }
        let lead = lead::ActiveModel {
            id: Set(lead_id),
            workspace_id: Set(workspace_id),
            contact_name: Set(contact_name),
            phone: Set(None),
            email: Set(l.email.clone()),
            address: Set(None),
            postcode: Set(None),
            city: Set(None),
            latitude: Set(None),
            longitude: Set(None),
            trade: Set("Instagram".into()),
            description: Set(description),
            budget_cents: Set(None),
            source: Set(LeadSource::Instagram),
            request_id: Set(None),
            created_at: Set(l.at),
            updated_at: Set(now),
        };
        let deal = deal::ActiveModel {
            id: Set(Uuid::now_v7()),
            workspace_id: Set(workspace_id),
            lead_id: Set(lead_id),
            pipeline_id: Set(self.pipeline_id),
            stage_id: Set(self.first_stage),
            owner_member_id: Set(None),
            value_cents: Set(0),
            // At the bottom of the column: later prospects sort after earlier ones.
            position: Set(l.at.timestamp_millis() as f64),
            assigned_at: Set(l.at),
            first_contact_at: Set(None),
            quote_sent_at: Set(None),
            closed_at: Set(None),
            lost_reason: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        };
        (lead, deal)
    }

    /// Where a deal goes for a status, if the pipeline has such a stage.
    pub fn move_for(
        &self,
        status: SetterStatus,
        at: DateTime<Utc>,
        value_cents: Option<i64>,
        reason: Option<String>,
    ) -> Option<DealMove> {
        let (stage_id, kind) = *self.stages.get(&status)?;
        let closed = matches!(kind, StageKind::Won | StageKind::Lost);
        Some(DealMove {
            stage_id,
            closed_at: closed.then_some(at),
            value_cents: if kind == StageKind::Won { value_cents } else { None },
            lost_reason: if kind == StageKind::Lost { reason } else { None },
        })
    }
}

/// Why a deal lost through the feed, when the setter gave no reason.
pub const FEED_LOST_REASON: &str = "Perdu (setter)";

/// Announces the leads and deals the feed created (boards show them live).
pub async fn announce_new(w: &Write, created: &[(lead::ActiveModel, deal::ActiveModel)]) -> Result<(), AppError> {
    for (l, d) in created {
        let (Set(lead_id), Set(deal_id), Set(pipeline_id), Set(stage_id)) = (&l.id, &d.id, &d.pipeline_id, &d.stage_id)
        else {
            continue;
        };
        w.emit(DomainEvent::LeadReceived {
            lead: LeadId(*lead_id),
            source: LeadSource::Instagram.as_str().to_string(),
        })
        .await?;
        w.emit(DomainEvent::DealCreated {
            deal: DealId(*deal_id),
            lead: LeadId(*lead_id),
            pipeline: PipelineId(*pipeline_id),
            stage: StageId(*stage_id),
        })
        .await?;
    }
    Ok(())
}

/// Applies the last move of each deal through the pipeline rules (as a drag
/// on the board would, in one batch), keeping the time the setter reported
/// for a closing and the latest value reported for a win.
pub async fn apply_moves(w: &Write, workspace_id: Uuid, moves: HashMap<Uuid, DealMove>) -> Result<(), AppError> {
    if moves.is_empty() {
        return Ok(());
    }
    let ctx = rules::context(w, WorkspaceId(workspace_id)).await?;
    // In a stable order, so that the audit chain is the same on every replay.
    let mut moves: Vec<(Uuid, DealMove)> = moves.into_iter().collect();
    moves.sort_by_key(|(id, _)| *id);
    let changes = moves
        .into_iter()
        .map(|(deal_id, m)| Change {
            deal_id: DealId(deal_id),
            trigger: Trigger::Move {
                to: StageId(m.stage_id),
                lost_reason: m.lost_reason.or_else(|| Some(FEED_LOST_REASON.to_string())),
            },
            placement: Placement::Auto,
            // Closed when the setter says it happened, not when the batch arrived.
            at: m.closed_at,
            value_cents: m.value_cents,
        })
        .collect();
    rules::apply_many(w, &ctx, changes).await?;
    Ok(())
}
