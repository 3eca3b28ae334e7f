//! The one place where the deal rules (`domain::deal_rules`) are applied: the
//! board, the drawer's "Marquer comme contacté", and quotes all call
//! `apply` (or `apply_many` for a batch), which executes the plan in the
//! caller's transaction and records every change as an event.

use super::BoardChange;
use super::board;
use crate::audit::{EventAction, EventEntity};
use crate::domain::deal_rules::{self, DealState, Plan, RuleError, StageRef, Trigger};
use crate::domain::jobs::{JobStatus, Priority};
use crate::domain::{DealId, DomainEvent, JobId, PipelineId, StageId, StageKind, TradePack, WorkspaceId, position};
use crate::error::AppError;
use crate::infra::entity::{deal, job, lead, stage};
use crate::infra::time;
use crate::infra::{Audit, Write};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Statement, Value,
};
use serde_json::json;
use std::collections::{BTreeSet, HashMap, HashSet};
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

/// The position of a column's first card (`except` left out).
async fn first_of(
    txn: &DatabaseTransaction,
    workspace: Uuid,
    pipeline: Uuid,
    stage_id: Uuid,
    except: Uuid,
) -> Result<Option<f64>, AppError> {
    Ok(deal::Entity::find()
        .select_only()
        .column(deal::Column::Position)
        .filter(deal::Column::WorkspaceId.eq(workspace))
        .filter(deal::Column::PipelineId.eq(pipeline))
        .filter(deal::Column::StageId.eq(stage_id))
        .filter(deal::Column::Id.ne(except))
        .order_by_asc(deal::Column::Position)
        .into_tuple()
        .one(txn)
        .await?)
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

/// One trigger for one deal, for [`apply_many`].
#[derive(Clone, Debug)]
pub struct Change {
    /// The deal (of the context's workspace).
    pub deal_id: DealId,
    /// What happened to it.
    pub trigger: Trigger,
    /// Where the card goes in its column. `Between` is resolved against the
    /// stored column: it is for one change at a time (the board's drag), and
    /// refused in a batch.
    pub placement: Placement,
    /// When it happened, when not now: a change that closes the deal (won or
    /// lost) records this as its closing time (the time the setter reported);
    /// a change that does not close it leaves the closing time alone.
    pub at: Option<DateTime<Utc>>,
    /// The deal's value from now on (a win reported with its amount).
    pub value_cents: Option<i64>,
}

impl Change {
    /// `trigger` happens to `deal_id` now.
    pub fn new(deal_id: DealId, trigger: Trigger, placement: Placement) -> Change {
        Change {
            deal_id,
            trigger,
            placement,
            at: None,
            value_cents: None,
        }
    }
}

/// The deals a batch of changes touches, changed in memory in the order of
/// the changes (each sees what the earlier ones did) and written at the end
/// in one statement per 200 deals: a feed batch moving hundreds of deals, or a
/// removed stage's cards, costs a handful of round trips, not several per deal.
struct Batch<'a> {
    w: &'a Write,
    ctx: &'a RuleContext,
    now: DateTime<Utc>,
    deals: HashMap<Uuid, deal::Model>,
    dirty: BTreeSet<Uuid>,
    /// Stages by pipeline, in order.
    stages: HashMap<Uuid, Vec<stage::Model>>,
    /// The top position of a column so far in this batch.
    tops: HashMap<Uuid, f64>,
    /// Leads whose open deals are loaded (a win loses them).
    sibling_leads: HashSet<Uuid>,
    /// Deals whose job is known to exist or not.
    job_known: HashSet<Uuid>,
    has_job: HashSet<Uuid>,
    leads: HashMap<Uuid, lead::Model>,
    new_jobs: Vec<job::ActiveModel>,
    /// The jobs opened, to equip with steps and assignees once written.
    opened: Vec<crate::jobs::open::Opened>,
}

impl<'a> Batch<'a> {
    fn new(w: &'a Write, ctx: &'a RuleContext) -> Batch<'a> {
        Batch {
            w,
            ctx,
            now: time::now(),
            deals: HashMap::new(),
            dirty: BTreeSet::new(),
            stages: HashMap::new(),
            tops: HashMap::new(),
            sibling_leads: HashSet::new(),
            job_known: HashSet::new(),
            has_job: HashSet::new(),
            leads: HashMap::new(),
            new_jobs: Vec::new(),
            opened: Vec::new(),
        }
    }

    fn workspace(&self) -> Uuid {
        self.ctx.workspace_id.0
    }

    /// The deals a batch reads are written back whole at the end: on
    /// PostgreSQL they are locked as they are read (in id order, so that two
    /// batches lock in the same order), and a concurrent change (a quote sent
    /// while the card is dragged) waits instead of being overwritten. On SQLite
    /// the envelope's write lock already serialises writers.
    fn locked(&self, query: sea_orm::Select<deal::Entity>) -> sea_orm::Select<deal::Entity> {
        let query = query.order_by_asc(deal::Column::Id);
        if crate::infra::db::is_postgres(self.w) {
            query.lock_exclusive()
        } else {
            query
        }
    }

    /// Loads deals of the workspace not loaded yet; an unknown id is not found.
    async fn load_deals(&mut self, ids: &[Uuid]) -> Result<(), AppError> {
        let missing: Vec<Uuid> = ids
            .iter()
            .filter(|id| !self.deals.contains_key(id))
            .copied()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        for chunk in missing.chunks(500) {
            let query = deal::Entity::find()
                .filter(deal::Column::WorkspaceId.eq(self.workspace()))
                .filter(deal::Column::Id.is_in(chunk.to_vec()));
            let found = self.locked(query).all(self.w).await?;
            if found.len() != chunk.len() {
                return Err(AppError::NotFound);
            }
            self.deals.extend(found.into_iter().map(|d| (d.id, d)));
        }
        self.load_stages().await
    }

    /// Loads the stages of every pipeline a loaded deal is on.
    async fn load_stages(&mut self) -> Result<(), AppError> {
        let pipelines: Vec<Uuid> = self
            .deals
            .values()
            .map(|d| d.pipeline_id)
            .filter(|p| !self.stages.contains_key(p))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if pipelines.is_empty() {
            return Ok(());
        }
        for p in &pipelines {
            self.stages.insert(*p, Vec::new());
        }
        let rows = stage::Entity::find()
            .filter(stage::Column::WorkspaceId.eq(self.workspace()))
            .filter(stage::Column::PipelineId.is_in(pipelines))
            .order_by_asc(stage::Column::Position)
            .all(self.w)
            .await?;
        for s in rows {
            self.stages.entry(s.pipeline_id).or_default().push(s);
        }
        Ok(())
    }

    /// What a win needs, for the deals that may be won: the lead's other open
    /// deals, whether a job exists, the lead (the job's title).
    async fn load_win_context(&mut self, won: &[Uuid]) -> Result<(), AppError> {
        let mut leads: BTreeSet<Uuid> = BTreeSet::new();
        let mut deals: BTreeSet<Uuid> = BTreeSet::new();
        for id in won {
            let Some(d) = self.deals.get(id) else { continue };
            if !self.sibling_leads.contains(&d.lead_id) {
                leads.insert(d.lead_id);
            }
            if !self.job_known.contains(id) {
                deals.insert(*id);
            }
        }
        let leads: Vec<Uuid> = leads.into_iter().collect();
        for chunk in leads.chunks(500) {
            let query = deal::Entity::find()
                .filter(deal::Column::WorkspaceId.eq(self.workspace()))
                .filter(deal::Column::LeadId.is_in(chunk.to_vec()))
                .filter(deal::Column::ClosedAt.is_null());
            let open = self.locked(query).all(self.w).await?;
            for d in open {
                // What this batch already changed stands.
                self.deals.entry(d.id).or_insert(d);
            }
            let rows = lead::Entity::find()
                .filter(lead::Column::WorkspaceId.eq(self.workspace()))
                .filter(lead::Column::Id.is_in(chunk.to_vec()))
                .all(self.w)
                .await?;
            self.leads.extend(rows.into_iter().map(|l| (l.id, l)));
        }
        self.sibling_leads.extend(leads);
        let deals: Vec<Uuid> = deals.into_iter().collect();
        for chunk in deals.chunks(500) {
            let with_job: Vec<Uuid> = job::Entity::find()
                .select_only()
                .column(job::Column::DealId)
                .filter(job::Column::WorkspaceId.eq(self.workspace()))
                .filter(job::Column::DealId.is_in(chunk.to_vec()))
                .into_tuple()
                .all(self.w)
                .await?;
            self.has_job.extend(with_job);
        }
        self.job_known.extend(deals);
        self.load_stages().await
    }

    /// Top of a column: above its first card (stored, or placed by this batch).
    async fn top(&mut self, pipeline: Uuid, stage_id: Uuid, except: Uuid) -> Result<f64, AppError> {
        let first = match self.tops.get(&stage_id) {
            Some(p) => Some(*p),
            None => first_of(self.w, self.workspace(), pipeline, stage_id, except).await?,
        };
        let p = position::between(None, first).unwrap_or(position::STEP);
        self.tops.insert(stage_id, p);
        Ok(p)
    }

    async fn place(&mut self, d: &deal::Model, plan: &Plan, placement: Placement) -> Result<f64, AppError> {
        match placement {
            Placement::Auto if plan.stage_id.0 == d.stage_id => Ok(d.position),
            Placement::Auto => self.top(d.pipeline_id, plan.stage_id.0, d.id).await,
            Placement::Between { before, after } => {
                let txn = self.w.txn();
                let b = neighbour(txn, d.workspace_id, plan.stage_id.0, before.filter(|&x| x != d.id)).await?;
                let a = neighbour(txn, d.workspace_id, plan.stage_id.0, after.filter(|&x| x != d.id)).await?;
                // The browser may show only part of a column (long columns, filters):
                // with one visible neighbour, the other is the next card in the database.
                let (b, a) = match (b, a) {
                    (Some(bp), None) => (b, adjacent(txn, d, plan.stage_id.0, bp, Side::Below).await?),
                    (None, Some(ap)) => (adjacent(txn, d, plan.stage_id.0, ap, Side::Above).await?, a),
                    _ => (b, a),
                };
                if let Some(p) = position::between(b, a) {
                    return Ok(p);
                }
                rebalance(txn, d.workspace_id, plan.stage_id.0).await?;
                let b = neighbour(txn, d.workspace_id, plan.stage_id.0, before).await?;
                let a = neighbour(txn, d.workspace_id, plan.stage_id.0, after).await?;
                Ok(position::between(b, a).unwrap_or(position::STEP))
            }
        }
    }

    fn stage_name(&self, pipeline: Uuid, id: Uuid) -> String {
        self.stages
            .get(&pipeline)
            .and_then(|stages| stages.iter().find(|s| s.id == id))
            .map(|s| s.name.clone())
            .unwrap_or_default()
    }

    /// Applies a plan to a deal (in memory) and declares its events.
    async fn execute(
        &mut self,
        d: &deal::Model,
        plan: &Plan,
        new_position: f64,
        at: Option<DateTime<Utc>>,
        value_cents: Option<i64>,
    ) -> Result<(), AppError> {
        let now = self.now;
        let mut n = d.clone();
        n.stage_id = plan.stage_id.0;
        n.position = new_position;
        n.updated_at = now;
        if plan.record_first_contact {
            n.first_contact_at = Some(now);
        }
        if plan.record_quote_sent {
            n.quote_sent_at = Some(now);
        }
        if plan.close.is_some() {
            n.closed_at = Some(at.unwrap_or(now));
            n.lost_reason = plan.lost_reason.clone();
        }
        if plan.reopen {
            n.closed_at = None;
            n.lost_reason = None;
        }
        if let Some(v) = value_cents {
            n.value_cents = v;
        }

        let w = self.w;
        let entity = Some(d.id);
        if plan.stage_id.0 != d.stage_id {
            let mut after =
                json!({ "stage_id": plan.stage_id.0, "stage": self.stage_name(d.pipeline_id, plan.stage_id.0) });
            if let Some(reason) = &plan.lost_reason {
                after["lost_reason"] = json!(reason);
            }
            w.audit(
                Audit::of(EventEntity::Deal, entity, EventAction::DealStageChanged)
                    .before(json!({ "stage_id": d.stage_id, "stage": self.stage_name(d.pipeline_id, d.stage_id) }))
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
        if n.value_cents != d.value_cents {
            w.audit(
                Audit::of(EventEntity::Deal, entity, EventAction::DealValueChanged)
                    .before(json!({ "value_cents": d.value_cents }))
                    .after(json!({ "value_cents": n.value_cents })),
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
        let (deal, pipeline, stage) = (DealId(d.id), PipelineId(d.pipeline_id), plan.stage_id);
        w.emit(match plan.close {
            Some(StageKind::Won) => DomainEvent::DealWon { deal, pipeline, stage },
            Some(_) => DomainEvent::DealLost {
                deal,
                pipeline,
                stage,
                reason: plan.lost_reason.clone(),
            },
            None if plan.stage_id.0 != d.stage_id => DomainEvent::DealMoved {
                deal,
                pipeline,
                from: StageId(d.stage_id),
                to: stage,
            },
            None => DomainEvent::DealUpdated { deal, pipeline },
        })
        .await?;
        self.dirty.insert(n.id);
        self.deals.insert(n.id, n);
        Ok(())
    }

    /// Other open deals of the lead lose to the won one ("attribué à un autre …").
    async fn lose_siblings(&mut self, won: &deal::Model) -> Result<Vec<Uuid>, AppError> {
        let mut siblings: Vec<deal::Model> = self
            .deals
            .values()
            .filter(|d| d.lead_id == won.lead_id && d.id != won.id && d.closed_at.is_none())
            .cloned()
            .collect();
        siblings.sort_by_key(|d| d.id);
        let reason = self.ctx.pack.sibling_lost_reason();
        let mut changed = Vec::with_capacity(siblings.len());
        for sibling in siblings {
            let Some(lost) = self
                .stages
                .get(&sibling.pipeline_id)
                .and_then(|stages| stages.iter().find(|s| s.kind == StageKind::Lost))
                .map(|s| StageId(s.id))
            else {
                continue;
            };
            let plan = Plan {
                stage_id: lost,
                record_first_contact: false,
                record_quote_sent: false,
                close: Some(StageKind::Lost),
                reopen: false,
                lost_reason: Some(reason.clone()),
                win: false,
            };
            let top = self.top(sibling.pipeline_id, lost.0, sibling.id).await?;
            self.execute(&sibling, &plan, top, None, None).await?;
            self.w
                .audit(
                    Audit::of(EventEntity::Deal, Some(sibling.id), EventAction::DealLostToOther)
                        .after(json!({ "won_deal_id": won.id, "lost_reason": reason })),
                )
                .await?;
            changed.push(sibling.id);
        }
        Ok(changed)
    }

    /// Opens the job of a won deal (once).
    async fn open_job(&mut self, won: &deal::Model) -> Result<bool, AppError> {
        if self.has_job.contains(&won.id) {
            return Ok(false);
        }
        let lead = self.leads.get(&won.lead_id).ok_or(AppError::NotFound)?;
        let id = Uuid::now_v7();
        let title = format!("{} — {}", lead.trade, lead.contact_name);
        self.new_jobs.push(job::ActiveModel {
            id: Set(id),
            workspace_id: Set(won.workspace_id),
            deal_id: Set(won.id),
            lead_id: Set(won.lead_id),
            title: Set(title.clone()),
            status: Set(JobStatus::Planned),
            priority: Set(Priority::Normal),
            // Planned for the day it is won until someone plans it.
            planned_start: Set(Some(time::paris_day(self.now))),
            planned_end: Set(None),
            promised_on: Set(None),
            started_at: Set(None),
            finished_at: Set(None),
            created_at: Set(self.now),
        });
        self.opened.push(crate::jobs::open::Opened {
            job: id,
            owner: won.owner_member_id,
        });
        self.has_job.insert(won.id);
        self.w
            .audit(
                Audit::of(EventEntity::Job, Some(id), EventAction::JobOpened)
                    .after(json!({ "title": title, "deal_id": won.id })),
            )
            .await?;
        self.w
            .emit(DomainEvent::JobOpened {
                job: JobId(id),
                deal: DealId(won.id),
                pipeline: PipelineId(won.pipeline_id),
            })
            .await?;
        Ok(true)
    }

    fn plan(&self, d: &deal::Model, trigger: Trigger) -> Result<Plan, AppError> {
        let stages = self.stages.get(&d.pipeline_id).map(Vec::as_slice).unwrap_or_default();
        let refs: Vec<StageRef> = stages
            .iter()
            .map(|s| StageRef {
                id: StageId(s.id),
                kind: s.kind,
                is_quote_stage: s.is_quote_stage,
            })
            .collect();
        deal_rules::plan(trigger, &state_of(d), &refs).map_err(rule_error)
    }

    async fn apply(&mut self, c: Change) -> Result<Applied, AppError> {
        let d = self.deals.get(&c.deal_id.0).cloned().ok_or(AppError::NotFound)?;
        let state = state_of(&d);
        let plan = self.plan(&d, c.trigger)?;
        let new_position = self.place(&d, &plan, c.placement).await?;
        let mut changed = vec![d.id];
        let mut job_opened = false;
        let value_changes = c.value_cents.is_some_and(|v| v != d.value_cents);
        if !plan.is_noop(&state) || new_position != d.position || value_changes {
            self.execute(&d, &plan, new_position, c.at, c.value_cents).await?;
            if plan.win {
                // Normally loaded up front; a win the first pass did not foresee loads it now.
                self.load_win_context(&[d.id]).await?;
                changed.extend(self.lose_siblings(&d).await?);
                job_opened = self.open_job(&d).await?;
            }
        }
        Ok(Applied {
            pipeline_id: d.pipeline_id,
            changed,
            job_opened,
        })
    }

    /// Writes the changed deals (one `UPDATE … FROM (VALUES …)` per 200) and the new jobs.
    async fn write(self) -> Result<(), AppError> {
        let changed: Vec<&deal::Model> = self.dirty.iter().filter_map(|id| self.deals.get(id)).collect();
        let postgres = crate::infra::db::is_postgres(self.w);
        let backend = self.w.get_database_backend();
        const COLUMNS: usize = 9;
        for chunk in changed.chunks(200) {
            let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * COLUMNS + 1);
            let mut rows = Vec::with_capacity(chunk.len());
            for d in chunk {
                let first = values.len();
                values.extend([
                    Value::from(d.id),
                    d.stage_id.into(),
                    d.position.into(),
                    d.value_cents.into(),
                    d.first_contact_at.into(),
                    d.quote_sent_at.into(),
                    d.closed_at.into(),
                    d.lost_reason.clone().into(),
                    d.updated_at.into(),
                ]);
                let marks: Vec<String> = (first + 1..=first + COLUMNS)
                    .map(|n| placeholder(postgres, n))
                    .collect();
                rows.push(format!("({})", marks.join(", ")));
            }
            values.push(self.workspace().into());
            let sql = format!(
                "UPDATE deals SET stage_id = v.column2, position = v.column3, value_cents = v.column4, \
                 first_contact_at = v.column5, quote_sent_at = v.column6, closed_at = v.column7, \
                 lost_reason = v.column8, updated_at = v.column9 \
                 FROM (VALUES {}) AS v WHERE deals.id = v.column1 AND deals.workspace_id = {}",
                rows.join(", "),
                placeholder(postgres, values.len())
            );
            let written = self
                .w
                .execute_raw(Statement::from_sql_and_values(backend, sql, values))
                .await?;
            if written.rows_affected() != chunk.len() as u64 {
                // The rows are locked (PostgreSQL) or the database is (SQLite):
                // a deal cannot vanish meanwhile; if one did, nothing is kept.
                tracing::error!(
                    expected = chunk.len(),
                    written = written.rows_affected(),
                    "deals not all written"
                );
                return Err(AppError::Internal);
            }
        }
        for chunk in self.new_jobs.chunks(500) {
            job::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(self.w)
                .await?;
        }
        crate::jobs::open::equip(self.w, self.workspace(), &self.opened).await?;
        Ok(())
    }
}

/// `$n` on PostgreSQL, `?` on SQLite.
fn placeholder(postgres: bool, n: usize) -> String {
    if postgres { format!("${n}") } else { "?".into() }
}

fn state_of(d: &deal::Model) -> DealState {
    DealState {
        stage_id: StageId(d.stage_id),
        contacted: d.first_contact_at.is_some(),
        quote_sent: d.quote_sent_at.is_some(),
    }
}

/// Applies a trigger to a deal of the context's workspace, in the caller's
/// transaction. Returns the cards that changed (the deal, and the lead's other
/// deals when it was won).
pub async fn apply(
    w: &Write,
    ctx: &RuleContext,
    deal_id: DealId,
    trigger: Trigger,
    placement: Placement,
) -> Result<BoardChange, AppError> {
    let applied = apply_only(w, ctx, deal_id, trigger, placement).await?;
    let cards = board::cards(w, ctx.workspace_id.0, &applied.changed).await?;
    Ok(BoardChange {
        pipeline_id: PipelineId(applied.pipeline_id),
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
/// nothing (a signature in the portal): open boards learn of the change from
/// its domain events.
pub async fn apply_only(
    w: &Write,
    ctx: &RuleContext,
    deal_id: DealId,
    trigger: Trigger,
    placement: Placement,
) -> Result<Applied, AppError> {
    let mut applied = apply_many(w, ctx, vec![Change::new(deal_id, trigger, placement)]).await?;
    applied.pop().ok_or(AppError::NotFound)
}

/// Applies changes to deals of the context's workspace in order, in the
/// caller's transaction, each as [`apply_only`] would (audit and domain
/// events, sibling deals lost and a job opened on a win), reading and writing
/// in a few statements for the whole batch (the setter feed, a removed
/// stage's cards). An unknown deal fails the whole batch.
pub async fn apply_many(w: &Write, ctx: &RuleContext, changes: Vec<Change>) -> Result<Vec<Applied>, AppError> {
    if changes.len() > 1 && changes.iter().any(|c| matches!(c.placement, Placement::Between { .. })) {
        // Neighbours are read from the stored column: only exact for one change.
        tracing::error!("a placement between two cards in a batch of changes");
        return Err(AppError::Internal);
    }
    let mut batch = Batch::new(w, ctx);
    let ids: Vec<Uuid> = changes.iter().map(|c| c.deal_id.0).collect();
    batch.load_deals(&ids).await?;
    // The deals these changes may win, as their stored state says: what a win
    // needs is loaded for all of them at once.
    let mut may_win = Vec::new();
    for c in &changes {
        if let Some(d) = batch.deals.get(&c.deal_id.0)
            && batch.plan(d, c.trigger.clone()).is_ok_and(|p| p.win)
        {
            may_win.push(d.id);
        }
    }
    if !may_win.is_empty() {
        batch.load_win_context(&may_win).await?;
    }
    let mut applied = Vec::with_capacity(changes.len());
    for c in changes {
        applied.push(batch.apply(c).await?);
    }
    batch.write().await?;
    Ok(applied)
}
