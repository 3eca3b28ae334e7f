//! Setter prospects join the workspace's first pipeline (« Prospects
//! Instagram » in the coach pack): each becomes a lead with one deal, moved
//! to the stage named like its status (or, for won and lost, the first stage
//! of that kind) when the status changes.

use super::SetterStatus;
use super::payload::LeadUpsert;
use crate::domain::StageKind;
use crate::infra::entity::{deal, lead, pipeline, stage};
use crate::pipeline::LeadSource;
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
            let named = stages
                .iter()
                .find(|s| s.name.to_lowercase() == status.label().to_lowercase());
            let by_kind = match status {
                SetterStatus::Won => stages.iter().find(|s| s.kind == StageKind::Won),
                SetterStatus::Lost => stages.iter().find(|s| s.kind == StageKind::Lost),
                _ => None,
            };
            if let Some(s) = named.or(by_kind) {
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

/// Applies the last move of each deal.
pub async fn apply_moves(
    db: &impl ConnectionTrait,
    moves: HashMap<Uuid, DealMove>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    for (deal_id, m) in moves {
        let mut am = deal::ActiveModel {
            id: sea_orm::ActiveValue::Unchanged(deal_id),
            stage_id: Set(m.stage_id),
            closed_at: Set(m.closed_at),
            lost_reason: Set(m.lost_reason),
            updated_at: Set(now),
            ..Default::default()
        };
        if let Some(v) = m.value_cents {
            am.value_cents = Set(v);
        }
        deal::Entity::update(am).exec(db).await?;
    }
    Ok(())
}
