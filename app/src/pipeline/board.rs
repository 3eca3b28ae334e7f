//! Reading the board: columns, cards, counts and totals, filtered.

use super::{Board, CLOSED_WINDOW_DAYS, DealCard, MORE_CARDS, StageColumn};
use crate::domain::scores::{self, LeadFacts, Temperature};
use crate::domain::{DealId, LeadId, MemberId, PipelineId, StageId, StageKind};
use crate::error::AppError;
use crate::infra::entity::{deal, lead, member, pipeline, stage, user, workspace};
use crate::infra::{Scope, time};
use crate::workspace::StageView;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Func, LikeExpr, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;
use uuid::Uuid;

/// Cards shown in a won or lost column (the most recently closed).
pub const CLOSED_COLUMN_CARDS: u64 = 20;

/// Cards an open column shows before "Afficher plus" (counts and totals cover all).
pub const OPEN_COLUMN_CARDS: usize = 30;

/// Filters of the board, from the URL.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BoardFilter {
    /// Pipeline to show (default: the first).
    pub pipeline_id: Option<Uuid>,
    /// Only deals owned by this member.
    pub owner: Option<Uuid>,
    /// Only this trade.
    pub trade: Option<String>,
    /// Lead score range (open columns).
    pub min_score: Option<u8>,
    /// Lead score range (open columns).
    pub max_score: Option<u8>,
    /// Text in the name, city, phone or description.
    pub search: Option<String>,
    /// Sort open columns by score instead of the team's order.
    pub by_score: bool,
}

impl BoardFilter {
    /// The filter from the board's URL parameters (`sort` = `score` sorts by lead score).
    pub fn from_params(
        pipeline_id: Option<Uuid>,
        owner: Option<Uuid>,
        trade: Option<String>,
        min_score: Option<u8>,
        max_score: Option<u8>,
        search: Option<String>,
        sort: Option<String>,
    ) -> BoardFilter {
        BoardFilter {
            pipeline_id,
            owner,
            trade,
            min_score,
            max_score,
            search,
            by_score: sort.as_deref() == Some("score"),
        }
    }

    /// Whether open columns depend on lead scores (a score range or score order).
    fn needs_scores(&self) -> bool {
        self.min_score.is_some() || self.max_score.is_some() || self.by_score
    }

    /// Whether the filter reads lead columns.
    fn needs_lead(&self) -> bool {
        self.trade.as_deref().is_some_and(|t| !t.is_empty())
            || self.search.as_deref().is_some_and(|q| !q.trim().is_empty())
    }
}

/// The facts a lead score is computed from.
pub fn lead_facts(l: &lead::Model, now: DateTime<Utc>) -> LeadFacts {
    LeadFacts {
        age_hours: (now - l.created_at).num_minutes().max(0) as f64 / 60.0,
        has_phone: l.phone.as_deref().is_some_and(|p| !p.trim().is_empty()),
        has_email: l.email.as_deref().is_some_and(|e| !e.trim().is_empty()),
        description_len: l.description.trim().chars().count(),
        has_budget: l.budget_cents.is_some_and(|b| b > 0),
        has_address: l.address.as_deref().is_some_and(|a| !a.trim().is_empty()),
        has_city: l.city.as_deref().is_some_and(|c| !c.trim().is_empty())
            || l.postcode.as_deref().is_some_and(|p| !p.trim().is_empty()),
    }
}

/// "à l'instant", "il y a 3 h", "il y a 5 j".
pub fn age_label(since: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let minutes = (now - since).num_minutes().max(0);
    match minutes {
        0..=1 => "à l'instant".into(),
        2..=59 => format!("il y a {minutes} min"),
        60..=1439 => format!("il y a {} h", minutes / 60),
        1440..=43199 => format!("il y a {} j", minutes / 1440),
        _ => format!("il y a {} mois", minutes / 43200),
    }
}

/// A card from its rows.
pub fn card(d: &deal::Model, l: &lead::Model, owners: &HashMap<Uuid, String>, now: DateTime<Utc>) -> DealCard {
    let score = scores::lead_score(&lead_facts(l, now));
    DealCard {
        id: DealId(d.id),
        lead_id: LeadId(l.id),
        stage_id: StageId(d.stage_id),
        position: d.position,
        contact_name: l.contact_name.clone(),
        city: l.city.clone(),
        trade: l.trade.clone(),
        value_cents: d.value_cents,
        score,
        temperature: Temperature::of(score),
        age: age_label(l.created_at, now),
        owner_member_id: d.owner_member_id.map(MemberId),
        owner_name: d.owner_member_id.and_then(|m| owners.get(&m).cloned()),
        lost_reason: d.lost_reason.clone(),
    }
}

/// Names of a workspace's members, by membership id.
pub async fn member_names(db: &impl ConnectionTrait, workspace_id: Uuid) -> Result<HashMap<Uuid, String>, AppError> {
    let members = member::Entity::find()
        .filter(member::Column::WorkspaceId.eq(workspace_id))
        .all(db)
        .await?;
    let ids: Vec<Uuid> = members.iter().map(|m| m.user_id).collect();
    let users: HashMap<Uuid, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    Ok(members
        .into_iter()
        .filter_map(|m| users.get(&m.user_id).map(|n| (m.id, n.clone())))
        .collect())
}

/// Current cards of some deals of a workspace.
pub async fn cards(db: &impl ConnectionTrait, workspace_id: Uuid, ids: &[Uuid]) -> Result<Vec<DealCard>, AppError> {
    let rows = deal::Entity::find()
        .filter(deal::Column::WorkspaceId.eq(workspace_id))
        .filter(deal::Column::Id.is_in(ids.to_vec()))
        .find_also_related(lead::Entity)
        .all(db)
        .await?;
    let owners = member_names(db, workspace_id).await?;
    let now = time::now();
    Ok(rows
        .iter()
        .filter_map(|(d, l)| l.as_ref().map(|l| card(d, l, &owners, now)))
        .collect())
}

// sea-query's `ExprTrait` is implemented for every type (its `max` shadows
// `Ord::max`), so it is only imported where SQL expressions are built.
fn lower_like(col: lead::Column, pattern: &LikeExpr) -> SimpleExpr {
    use sea_orm::sea_query::ExprTrait;
    Expr::expr(Func::lower(Expr::col((lead::Entity, col)))).like(pattern.clone())
}

fn lead_column_eq(col: lead::Column, value: &str) -> SimpleExpr {
    use sea_orm::sea_query::ExprTrait;
    Expr::col((lead::Entity, col)).eq(value.to_string())
}

fn lead_column_like(col: lead::Column, pattern: &LikeExpr) -> SimpleExpr {
    use sea_orm::sea_query::ExprTrait;
    Expr::col((lead::Entity, col)).like(pattern.clone())
}

/// `COUNT(*)`: with the `sum_values` column, the board index answers alone
/// (counting `id` would read every row).
fn count_deals() -> SimpleExpr {
    Expr::cust("COUNT(*)")
}

/// `SUM` of values as a 64-bit integer (PostgreSQL sums bigints as numeric).
fn sum_values() -> SimpleExpr {
    use sea_orm::sea_query::ExprTrait;
    Func::cast_as(Expr::col((deal::Entity, deal::Column::ValueCents)).sum(), "BIGINT").into()
}

/// Which deals the filter keeps (the score range is applied on cards). With a
/// pipeline, queries use the board index; without (a stage's latest closed
/// deals), the index on closing dates.
fn conditions(workspace_id: Uuid, pipeline_id: Option<Uuid>, filter: &BoardFilter) -> Condition {
    let mut conditions = Condition::all().add(deal::Column::WorkspaceId.eq(workspace_id));
    if let Some(pipeline_id) = pipeline_id {
        conditions = conditions.add(deal::Column::PipelineId.eq(pipeline_id));
    }
    if let Some(owner) = filter.owner {
        conditions = conditions.add(deal::Column::OwnerMemberId.eq(owner));
    }
    if let Some(trade) = filter.trade.as_deref().filter(|t| !t.is_empty()) {
        conditions = conditions.add(lead_column_eq(lead::Column::Trade, trade));
    }
    if let Some(q) = filter.search.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let pattern = crate::infra::db::like_contains(&q.to_lowercase());
        conditions = conditions.add(
            Condition::any()
                .add(lower_like(lead::Column::ContactName, &pattern))
                .add(lower_like(lead::Column::City, &pattern))
                .add(lower_like(lead::Column::Description, &pattern))
                .add(lead_column_like(lead::Column::Phone, &pattern)),
        );
    }
    conditions
}

/// Every card of some open stages, filtered and in display order, by stage.
async fn open_cards(
    db: &impl ConnectionTrait,
    conditions: Condition,
    open_ids: Vec<Uuid>,
    filter: &BoardFilter,
    owners: &HashMap<Uuid, String>,
    now: DateTime<Utc>,
) -> Result<HashMap<Uuid, Vec<DealCard>>, AppError> {
    let rows = deal::Entity::find()
        .filter(conditions)
        .filter(deal::Column::StageId.is_in(open_ids))
        .find_also_related(lead::Entity)
        .order_by_asc(deal::Column::StageId)
        .order_by_asc(deal::Column::Position)
        .all(db)
        .await?;
    let score_ok =
        |score: u8| filter.min_score.is_none_or(|min| score >= min) && filter.max_score.is_none_or(|max| score <= max);
    let mut by_stage: HashMap<Uuid, Vec<DealCard>> = HashMap::new();
    for (d, l) in &rows {
        let Some(l) = l else { continue };
        let card = card(d, l, owners, now);
        if score_ok(card.score) {
            by_stage.entry(d.stage_id).or_default().push(card);
        }
    }
    if filter.by_score {
        for cards in by_stage.values_mut() {
            cards.sort_by_key(|c| std::cmp::Reverse(c.score));
        }
    }
    Ok(by_stage)
}

/// The board of one pipeline of the scope's workspace.
pub async fn board(db: &impl ConnectionTrait, scope: &Scope, filter: BoardFilter) -> Result<Board, AppError> {
    let ws = workspace::Entity::find_by_id(scope.workspace_id.0)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let pipelines = pipeline::Entity::find()
        .filter(pipeline::Column::WorkspaceId.eq(ws.id))
        .order_by_asc(pipeline::Column::Position)
        .all(db)
        .await?;
    let current = match filter.pipeline_id {
        Some(id) => pipelines.iter().find(|p| p.id == id).ok_or(AppError::NotFound)?,
        None => pipelines.first().ok_or(AppError::NotFound)?,
    };
    let stages = stage::Entity::find()
        .filter(stage::Column::WorkspaceId.eq(ws.id))
        .filter(stage::Column::PipelineId.eq(current.id))
        .order_by_asc(stage::Column::Position)
        .all(db)
        .await?;

    let by_pipeline = conditions(ws.id, Some(current.id), &filter);
    let recently_closed = closed_window(ws.id, &filter);
    let open_ids: Vec<Uuid> = stages
        .iter()
        .filter(|s| s.kind == StageKind::Open)
        .map(|s| s.id)
        .collect();
    let owners = member_names(db, ws.id).await?;
    let now = time::now();
    // Open columns: scores decide which cards show (score range, score order),
    // so every open card is computed; otherwise the database counts and sums
    // the columns and only the cards shown are read.
    let mut open = if filter.needs_scores() {
        open_cards(db, by_pipeline.clone(), open_ids.clone(), &filter, &owners, now).await?
    } else {
        HashMap::new()
    };
    let mut open_totals = if filter.needs_scores() {
        HashMap::new()
    } else {
        open_totals(db, by_pipeline.clone(), open_ids, &filter).await?
    };

    let mut columns = Vec::with_capacity(stages.len());
    for s in &stages {
        let column = if s.kind == StageKind::Open {
            let (mut cards, count, total_cents) = if filter.needs_scores() {
                let cards = open.remove(&s.id).unwrap_or_default();
                let count = cards.len() as u64;
                let total: i64 = cards.iter().map(|c| c.value_cents).sum();
                (cards, count, total)
            } else {
                let (count, total) = open_totals.remove(&s.id).unwrap_or((0, 0));
                let cards = stage_cards(
                    db,
                    by_pipeline.clone(),
                    s.id,
                    ColumnOrder::Position,
                    (0, OPEN_COLUMN_CARDS as u64),
                    &owners,
                    now,
                )
                .await?;
                (cards, count, total)
            };
            cards.truncate(OPEN_COLUMN_CARDS);
            StageColumn {
                stage: StageView::from(s),
                count,
                total_cents,
                hidden: count - cards.len() as u64,
                cards,
            }
        } else {
            let mut totals = deal::Entity::find()
                .filter(recently_closed.clone())
                .filter(deal::Column::StageId.eq(s.id));
            // Without a filter on the lead, the deals index answers alone.
            if filter.needs_lead() {
                totals = totals.inner_join(lead::Entity);
            }
            let (count, total): (i64, Option<i64>) = totals
                .select_only()
                .column_as(count_deals(), "n")
                .column_as(sum_values(), "total")
                .into_tuple()
                .one(db)
                .await?
                .unwrap_or((0, Some(0)));
            let cards = stage_cards(
                db,
                recently_closed.clone(),
                s.id,
                ColumnOrder::RecentlyClosed,
                (0, CLOSED_COLUMN_CARDS),
                &owners,
                now,
            )
            .await?;
            StageColumn {
                stage: StageView::from(s),
                count: count as u64,
                total_cents: total.unwrap_or(0),
                hidden: (count as u64).saturating_sub(cards.len() as u64),
                cards,
            }
        };
        columns.push(column);
    }
    let mut members: Vec<(MemberId, String)> = owners.into_iter().map(|(id, name)| (MemberId(id), name)).collect();
    members.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(Board {
        pipelines: pipelines.iter().map(|p| (PipelineId(p.id), p.name.clone())).collect(),
        pipeline_id: PipelineId(current.id),
        columns,
        members,
        trades: ws.pack.trades().iter().map(|t| t.to_string()).collect(),
        lost_reasons: ws.pack.lost_reasons().iter().map(|r| r.to_string()).collect(),
        can_work: scope.role.can_work_deals(),
        can_configure: scope.role.can_configure_pipelines(),
        lead_label: ws.pack.labels().lead,
    })
}

/// The next cards of a column, after the `offset` first ones, with the board's filters.
pub async fn more_cards(
    db: &impl ConnectionTrait,
    scope: &Scope,
    filter: BoardFilter,
    stage_id: Uuid,
    offset: crate::domain::paging::Bounded,
) -> Result<Vec<DealCard>, AppError> {
    let offset = offset.get();
    let s = stage::Entity::find_by_id(stage_id)
        .filter(stage::Column::WorkspaceId.eq(scope.workspace_id.0))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let owners = member_names(db, s.workspace_id).await?;
    let now = time::now();
    if s.kind == StageKind::Open {
        let by_pipeline = conditions(s.workspace_id, Some(s.pipeline_id), &filter);
        if !filter.needs_scores() {
            return stage_cards(
                db,
                by_pipeline,
                s.id,
                ColumnOrder::Position,
                (offset, MORE_CARDS as u64),
                &owners,
                now,
            )
            .await;
        }
        let mut open = open_cards(db, by_pipeline, vec![s.id], &filter, &owners, now).await?;
        let cards = open.remove(&s.id).unwrap_or_default();
        return Ok(cards.into_iter().skip(offset as usize).take(MORE_CARDS).collect());
    }
    let recently_closed = closed_window(s.workspace_id, &filter);
    let page = (offset, MORE_CARDS as u64);
    stage_cards(
        db,
        recently_closed,
        s.id,
        ColumnOrder::RecentlyClosed,
        page,
        &owners,
        now,
    )
    .await
}

/// Count and total value of the open stages' deals, by stage (one grouped
/// query the board index answers).
async fn open_totals(
    db: &impl ConnectionTrait,
    conditions: Condition,
    open_ids: Vec<Uuid>,
    filter: &BoardFilter,
) -> Result<HashMap<Uuid, (u64, i64)>, AppError> {
    let mut query = deal::Entity::find()
        .filter(conditions)
        .filter(deal::Column::StageId.is_in(open_ids));
    if filter.needs_lead() {
        query = query.inner_join(lead::Entity);
    }
    let rows: Vec<(Uuid, i64, Option<i64>)> = query
        .select_only()
        .column(deal::Column::StageId)
        .column_as(count_deals(), "n")
        .column_as(sum_values(), "total")
        .group_by(deal::Column::StageId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(stage, n, total)| (stage, (n as u64, total.unwrap_or(0))))
        .collect())
}

/// How a column orders its cards.
#[derive(Clone, Copy)]
enum ColumnOrder {
    /// Open columns: the team's order.
    Position,
    /// Closed columns: most recently closed first.
    RecentlyClosed,
}

/// A stage's cards in its column's order, from `offset`.
async fn stage_cards(
    db: &impl ConnectionTrait,
    conditions: Condition,
    stage_id: Uuid,
    order: ColumnOrder,
    (offset, limit): (u64, u64),
    owners: &HashMap<Uuid, String>,
    now: DateTime<Utc>,
) -> Result<Vec<DealCard>, AppError> {
    let query = deal::Entity::find()
        .filter(conditions)
        .filter(deal::Column::StageId.eq(stage_id))
        .find_also_related(lead::Entity);
    let query = match order {
        ColumnOrder::Position => query.order_by_asc(deal::Column::Position),
        ColumnOrder::RecentlyClosed => query
            .order_by_desc(deal::Column::ClosedAt)
            .order_by_desc(deal::Column::Id),
    };
    let rows = query.offset(offset).limit(limit).all(db).await?;
    Ok(rows
        .iter()
        .filter_map(|(d, l)| l.as_ref().map(|l| card(d, l, owners, now)))
        .collect())
}

/// Deals closed in the last `CLOSED_WINDOW_DAYS` that the filter keeps (read
/// per stage through the index on closing dates).
fn closed_window(workspace_id: Uuid, filter: &BoardFilter) -> Condition {
    let since = time::now() - chrono::TimeDelta::days(CLOSED_WINDOW_DAYS);
    conditions(workspace_id, None, filter).add(deal::Column::ClosedAt.gte(since))
}
