//! The one place where the deal rules (`domain::deal_rules`) are applied: the
//! board, the drawer's "Marquer comme contacté", and quotes all call
//! `apply`, which executes the plan in the caller's transaction and records
//! every change as an event.

use super::BoardChange;
use super::board;
use crate::audit::{EventAction, EventEntity};
use crate::domain::deal_rules::{self, DealState, Plan, RuleError, StageRef, Trigger};
use crate::domain::{DealId, DomainEvent, JobId, PipelineId, StageId, StageKind, TradePack, WorkspaceId, position};
use crate::error::AppError;
use crate::infra::entity::{deal, job, lead, stage};
use crate::infra::time;
use crate::infra::{Audit, Write};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;
use uuid::Uuid;

/// Who applies a trigger, where.
pub struct RuleContext {
    /// The workspace (from the caller's scope).
    pub workspace_id: WorkspaceId,
    /// Its trade pack (words of the sibling loss reason).
    pub pack: TradePack,
}

/// Where a moved card goes in its column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Placement {
    /// Where the rules put it: unchanged in the same column, on top of a new one.
    #[default]
    Auto,
    /// Between two cards of the target column (either may be absent: an end).
    Between {
        /// The card above.
        before: Option<Uuid>,
        /// The card below.
        after: Option<Uuid>,
    },
}

/// The rule context of a workspace.
pub async fn context(db: &impl sea_orm::ConnectionTrait, workspace_id: WorkspaceId) -> Result<RuleContext, AppError> {
    let pack = crate::infra::entity::workspace::Entity::find_by_id(workspace_id.0)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?
        .pack;
    Ok(RuleContext { workspace_id, pack })
}

fn rule_error(error: RuleError) -> AppError {
    match error {
        RuleError::LostReasonRequired => AppError::field("lost_reason", error.message()),
        RuleError::UnknownStage => AppError::NotFound,
        RuleError::NoWonStage => AppError::Conflict(error.message().into()),
    }
}

async fn stages_of(txn: &DatabaseTransaction, workspace: Uuid, pipeline: Uuid) -> Result<Vec<stage::Model>, AppError> {
    Ok(stage::Entity::find()
        .filter(stage::Column::WorkspaceId.eq(workspace))
        .filter(stage::Column::PipelineId.eq(pipeline))
        .order_by_asc(stage::Column::Position)
        .all(txn)
        .await?)
}

/// Top of a column: above its first card.
async fn top_of(
    txn: &DatabaseTransaction,
    workspace: Uuid,
    pipeline: Uuid,
    stage_id: Uuid,
    except: Uuid,
) -> Result<f64, AppError> {
    let first: Option<f64> = deal::Entity::find()
        .select_only()
        .column(deal::Column::Position)
        .filter(deal::Column::WorkspaceId.eq(workspace))
        .filter(deal::Column::PipelineId.eq(pipeline))
        .filter(deal::Column::StageId.eq(stage_id))
        .filter(deal::Column::Id.ne(except))
        .order_by_asc(deal::Column::Position)
        .into_tuple()
        .one(txn)
        .await?;
    Ok(position::between(None, first).unwrap_or(position::STEP))
}

async fn neighbour(
    txn: &DatabaseTransaction,
    workspace: Uuid,
    stage_id: Uuid,
    id: Option<Uuid>,
) -> Result<Option<f64>, AppError> {
    let Some(id) = id else { return Ok(None) };
    let found = deal::Entity::find_by_id(id)
        .filter(deal::Column::WorkspaceId.eq(workspace))
        .filter(deal::Column::StageId.eq(stage_id))
        .one(txn)
        .await?;
    // A neighbour that moved meanwhile: the card lands at the nearest end instead.
    Ok(found.map(|d| d.position))
}

enum Side {
    Above,
    Below,
}

/// The position of the card right above or below `of` in a column (the moving card excluded).
async fn adjacent(
    txn: &DatabaseTransaction,
    d: &deal::Model,
    stage_id: Uuid,
    of: f64,
    side: Side,
) -> Result<Option<f64>, AppError> {
    let query = deal::Entity::find()
        .select_only()
        .column(deal::Column::Position)
        .filter(deal::Column::WorkspaceId.eq(d.workspace_id))
        .filter(deal::Column::PipelineId.eq(d.pipeline_id))
        .filter(deal::Column::StageId.eq(stage_id))
        .filter(deal::Column::Id.ne(d.id));
    let query = match side {
        Side::Above => query
            .filter(deal::Column::Position.lt(of))
            .order_by_desc(deal::Column::Position),
        Side::Below => query
            .filter(deal::Column::Position.gt(of))
            .order_by_asc(deal::Column::Position),
    };
    Ok(query.into_tuple().one(txn).await?)
}

/// Renumbers a column evenly (only when fractional positions run out of precision).
async fn rebalance(txn: &DatabaseTransaction, workspace: Uuid, stage_id: Uuid) -> Result<(), AppError> {
    let ids: Vec<Uuid> = deal::Entity::find()
        .select_only()
        .column(deal::Column::Id)
        .filter(deal::Column::WorkspaceId.eq(workspace))
        .filter(deal::Column::StageId.eq(stage_id))
        .order_by_asc(deal::Column::Position)
        .into_tuple()
        .all(txn)
        .await?;
    for (id, p) in ids.iter().zip(position::rebalanced(ids.len())) {
        deal::Entity::update_many()
            .col_expr(deal::Column::Position, Expr::value(p))
            .filter(deal::Column::Id.eq(*id))
            .exec(txn)
            .await?;
    }
    Ok(())
}

async fn place(txn: &DatabaseTransaction, d: &deal::Model, plan: &Plan, placement: Placement) -> Result<f64, AppError> {
    match placement {
        Placement::Auto if plan.stage_id == d.stage_id => Ok(d.position),
        Placement::Auto => top_of(txn, d.workspace_id, d.pipeline_id, plan.stage_id, d.id).await,
        Placement::Between { before, after } => {
            let b = neighbour(txn, d.workspace_id, plan.stage_id, before.filter(|&x| x != d.id)).await?;
            let a = neighbour(txn, d.workspace_id, plan.stage_id, after.filter(|&x| x != d.id)).await?;
            // The browser may show only part of a column (long columns, filters):
            // with one visible neighbour, the other is the next card in the database.
            let (b, a) = match (b, a) {
                (Some(bp), None) => (b, adjacent(txn, d, plan.stage_id, bp, Side::Below).await?),
                (None, Some(ap)) => (adjacent(txn, d, plan.stage_id, ap, Side::Above).await?, a),
                _ => (b, a),
            };
            if let Some(p) = position::between(b, a) {
                return Ok(p);
            }
            rebalance(txn, d.workspace_id, plan.stage_id).await?;
            let b = neighbour(txn, d.workspace_id, plan.stage_id, before).await?;
            let a = neighbour(txn, d.workspace_id, plan.stage_id, after).await?;
            Ok(position::between(b, a).unwrap_or(position::STEP))
        }
    }
}

fn stage_name(stages: &[stage::Model], id: Uuid) -> String {
    stages
        .iter()
        .find(|s| s.id == id)
        .map(|s| s.name.clone())
        .unwrap_or_default()
}

/// Writes a plan onto a deal and records its events.
async fn execute(
    w: &Write,
    d: &deal::Model,
    stages: &[stage::Model],
    plan: &Plan,
    new_position: f64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut update = deal::ActiveModel {
        id: Set(d.id),
        stage_id: Set(plan.stage_id),
        position: Set(new_position),
        updated_at: Set(now),
        ..Default::default()
    };
    if plan.record_first_contact {
        update.first_contact_at = Set(Some(now));
    }
    if plan.record_quote_sent {
        update.quote_sent_at = Set(Some(now));
    }
    if plan.close.is_some() {
        update.closed_at = Set(Some(now));
        update.lost_reason = Set(plan.lost_reason.clone());
    }
    if plan.reopen {
        update.closed_at = Set(None);
        update.lost_reason = Set(None);
    }
    deal::Entity::update(update).exec(w).await?;

    let entity = Some(d.id);
    if plan.stage_id != d.stage_id {
        let mut after = json!({ "stage_id": plan.stage_id, "stage": stage_name(stages, plan.stage_id) });
        if let Some(reason) = &plan.lost_reason {
            after["lost_reason"] = json!(reason);
        }
        w.audit(
            Audit::of(EventEntity::Deal, entity, EventAction::DealStageChanged)
                .before(json!({ "stage_id": d.stage_id, "stage": stage_name(stages, d.stage_id) }))
                .after(after),
        )
        .await?;
    } else if new_position != d.position {
        w.audit(
            Audit::of(EventEntity::Deal, entity, EventAction::DealReordered)
                .before(json!({ "position": d.position }))
                .after(json!({ "position": new_position })),
        )
        .await?;
    }
    if plan.record_first_contact {
        let hours = (now - d.assigned_at).num_minutes() as f64 / 60.0;
        w.audit(
            Audit::of(EventEntity::Deal, entity, EventAction::DealContacted)
                .after(json!({ "hours_since_assignment": (hours * 10.0).round() / 10.0 })),
        )
        .await?;
    }
    if plan.record_quote_sent {
        w.audit(Audit::of(EventEntity::Deal, entity, EventAction::DealQuoteSent))
            .await?;
    }
    let (deal, pipeline, stage) = (DealId(d.id), PipelineId(d.pipeline_id), StageId(plan.stage_id));
    w.emit(match plan.close {
        Some(StageKind::Won) => DomainEvent::DealWon { deal, pipeline, stage },
        Some(_) => DomainEvent::DealLost {
            deal,
            pipeline,
            stage,
            reason: plan.lost_reason.clone(),
        },
        None if plan.stage_id != d.stage_id => DomainEvent::DealMoved {
            deal,
            pipeline,
            from: StageId(d.stage_id),
            to: stage,
        },
        None => DomainEvent::DealUpdated { deal, pipeline },
    })
    .await?;
    Ok(())
}

/// Other open deals of the lead lose to the won one ("attribué à un autre …").
async fn lose_siblings(
    w: &Write,
    ctx: &RuleContext,
    won: &deal::Model,
    now: DateTime<Utc>,
) -> Result<Vec<Uuid>, AppError> {
    let siblings = deal::Entity::find()
        .filter(deal::Column::WorkspaceId.eq(won.workspace_id))
        .filter(deal::Column::LeadId.eq(won.lead_id))
        .filter(deal::Column::Id.ne(won.id))
        .filter(deal::Column::ClosedAt.is_null())
        .all(w)
        .await?;
    let reason = ctx.pack.sibling_lost_reason();
    let mut changed = Vec::with_capacity(siblings.len());
    for sibling in siblings {
        let stages = stages_of(w, won.workspace_id, sibling.pipeline_id).await?;
        let Some(lost) = stages.iter().find(|s| s.kind == StageKind::Lost) else {
            continue;
        };
        let plan = Plan {
            stage_id: lost.id,
            record_first_contact: false,
            record_quote_sent: false,
            close: Some(StageKind::Lost),
            reopen: false,
            lost_reason: Some(reason.clone()),
            win: false,
        };
        let top = top_of(w, won.workspace_id, sibling.pipeline_id, lost.id, sibling.id).await?;
        execute(w, &sibling, &stages, &plan, top, now).await?;
        w.audit(
            Audit::of(EventEntity::Deal, Some(sibling.id), EventAction::DealLostToOther)
                .after(json!({ "won_deal_id": won.id, "lost_reason": reason })),
        )
        .await?;
        changed.push(sibling.id);
    }
    Ok(changed)
}

/// Opens the job of a won deal (once).
async fn open_job(w: &Write, won: &deal::Model, now: DateTime<Utc>) -> Result<bool, AppError> {
    let exists = job::Entity::find()
        .filter(job::Column::WorkspaceId.eq(won.workspace_id))
        .filter(job::Column::DealId.eq(won.id))
        .one(w)
        .await?;
    if exists.is_some() {
        return Ok(false);
    }
    let lead = lead::Entity::find_by_id(won.lead_id)
        .one(w)
        .await?
        .ok_or(AppError::NotFound)?;
    let id = Uuid::now_v7();
    let title = format!("{} — {}", lead.trade, lead.contact_name);
    job::Entity::insert(job::ActiveModel {
        id: Set(id),
        workspace_id: Set(won.workspace_id),
        deal_id: Set(won.id),
        lead_id: Set(won.lead_id),
        title: Set(title.clone()),
        status: Set(super::JobStatus::Open),
        created_at: Set(now),
    })
    .exec_without_returning(w)
    .await?;
    w.audit(
        Audit::of(EventEntity::Job, Some(id), EventAction::JobOpened)
            .after(json!({ "title": title, "deal_id": won.id })),
    )
    .await?;
    w.emit(DomainEvent::JobOpened {
        job: JobId(id),
        deal: DealId(won.id),
        pipeline: PipelineId(won.pipeline_id),
    })
    .await?;
    Ok(true)
}

/// Applies a trigger to a deal of the context's workspace, in the caller's
/// transaction. Returns the cards that changed (the deal, and the lead's other
/// deals when it was won).
pub async fn apply(
    w: &Write,
    ctx: &RuleContext,
    deal_id: Uuid,
    trigger: Trigger,
    placement: Placement,
) -> Result<BoardChange, AppError> {
    let applied = apply_only(w, ctx, deal_id, trigger, placement).await?;
    let cards = board::cards(w, ctx.workspace_id.0, &applied.changed).await?;
    Ok(BoardChange {
        pipeline_id: applied.pipeline_id,
        cards,
        job_opened: applied.job_opened,
    })
}

/// What [`apply_only`] changed.
pub struct Applied {
    pub pipeline_id: Uuid,
    /// The deal, and the lead's other deals when it was won.
    pub changed: Vec<Uuid>,
    pub job_opened: bool,
}

/// [`apply`] without reading the changed cards back, for callers that show
/// nothing (the setter feed, stage removal, a signature in the portal): open
/// boards learn of the change from its domain events.
pub async fn apply_only(
    w: &Write,
    ctx: &RuleContext,
    deal_id: Uuid,
    trigger: Trigger,
    placement: Placement,
) -> Result<Applied, AppError> {
    let d = deal::Entity::find_by_id(deal_id)
        .filter(deal::Column::WorkspaceId.eq(ctx.workspace_id.0))
        .one(w)
        .await?
        .ok_or(AppError::NotFound)?;
    let stages = stages_of(w, d.workspace_id, d.pipeline_id).await?;
    let refs: Vec<StageRef> = stages
        .iter()
        .map(|s| StageRef {
            id: s.id,
            kind: s.kind,
            is_quote_stage: s.is_quote_stage,
        })
        .collect();
    let state = DealState {
        stage_id: d.stage_id,
        contacted: d.first_contact_at.is_some(),
        quote_sent: d.quote_sent_at.is_some(),
    };
    let plan = deal_rules::plan(trigger, &state, &refs).map_err(rule_error)?;
    let now = time::now();
    let new_position = place(w, &d, &plan, placement).await?;
    let mut changed = vec![d.id];
    let mut job_opened = false;
    if !plan.is_noop(&state) || new_position != d.position {
        execute(w, &d, &stages, &plan, new_position, now).await?;
        if plan.win {
            changed.extend(lose_siblings(w, ctx, &d, now).await?);
            job_opened = open_job(w, &d, now).await?;
        }
    }
    Ok(Applied {
        pipeline_id: d.pipeline_id,
        changed,
        job_opened,
    })
}
