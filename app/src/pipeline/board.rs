//! Reading the board: columns, cards, counts and totals, filtered.

use super::{Board, DealCard, StageColumn};
use crate::domain::StageKind;
use crate::domain::scores::{self, LeadFacts, Temperature};
use crate::error::AppError;
use crate::infra::entity::{deal, lead, member, pipeline, stage, user, workspace};
use crate::infra::{Scope, time};
use crate::workspace::StageView;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Func, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;
use uuid::Uuid;

/// Cards shown in a won or lost column (the most recently closed).
pub const CLOSED_COLUMN_CARDS: u64 = 30;

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
        id: d.id,
        lead_id: l.id,
        stage_id: d.stage_id,
        position: d.position,
        contact_name: l.contact_name.clone(),
        city: l.city.clone(),
        trade: l.trade.clone(),
        value_cents: d.value_cents,
        score,
        temperature: Temperature::of(score),
        age: age_label(l.created_at, now),
        owner_member_id: d.owner_member_id,
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

fn stage_view(s: &stage::Model) -> StageView {
    StageView {
        id: s.id,
        name: s.name.clone(),
        color: s.color.clone(),
        kind: s.kind,
        probability: s.probability,
    }
}

// sea-query's `ExprTrait` is implemented for every type (its `max` shadows
// `Ord::max`), so it is only imported where SQL expressions are built.
fn lower_like(col: lead::Column, pattern: &str) -> SimpleExpr {
    use sea_orm::sea_query::ExprTrait;
    Expr::expr(Func::lower(Expr::col((lead::Entity, col)))).like(pattern.to_string())
}

fn lead_column_eq(col: lead::Column, value: &str) -> SimpleExpr {
    use sea_orm::sea_query::ExprTrait;
    Expr::col((lead::Entity, col)).eq(value.to_string())
}

fn lead_column_like(col: lead::Column, pattern: &str) -> SimpleExpr {
    use sea_orm::sea_query::ExprTrait;
    Expr::col((lead::Entity, col)).like(pattern.to_string())
}

fn count_deals() -> SimpleExpr {
    use sea_orm::sea_query::ExprTrait;
    Expr::col((deal::Entity, deal::Column::Id)).count()
}

/// `SUM` of values as a 64-bit integer (PostgreSQL sums bigints as numeric).
fn sum_values() -> SimpleExpr {
    use sea_orm::sea_query::ExprTrait;
    Func::cast_as(Expr::col((deal::Entity, deal::Column::ValueCents)).sum(), "BIGINT").into()
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

    let mut conditions = Condition::all()
        .add(deal::Column::WorkspaceId.eq(ws.id))
        .add(deal::Column::PipelineId.eq(current.id));
    if let Some(owner) = filter.owner {
        conditions = conditions.add(deal::Column::OwnerMemberId.eq(owner));
    }
    if let Some(trade) = filter.trade.as_deref().filter(|t| !t.is_empty()) {
        conditions = conditions.add(lead_column_eq(lead::Column::Trade, trade));
    }
    if let Some(q) = filter.search.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let pattern = format!("%{}%", q.to_lowercase().replace(['%', '_'], ""));
        conditions = conditions.add(
            Condition::any()
                .add(lower_like(lead::Column::ContactName, &pattern))
                .add(lower_like(lead::Column::City, &pattern))
                .add(lower_like(lead::Column::Description, &pattern))
                .add(lead_column_like(lead::Column::Phone, &pattern)),
        );
    }
    let open_ids: Vec<Uuid> = stages
        .iter()
        .filter(|s| s.kind == StageKind::Open)
        .map(|s| s.id)
        .collect();
    let open_rows = deal::Entity::find()
        .filter(conditions.clone())
        .filter(deal::Column::StageId.is_in(open_ids))
        .find_also_related(lead::Entity)
        .order_by_asc(deal::Column::StageId)
        .order_by_asc(deal::Column::Position)
        .all(db)
        .await?;
    let owners = member_names(db, ws.id).await?;
    let now = time::now();
    let score_ok =
        |score: u8| filter.min_score.is_none_or(|min| score >= min) && filter.max_score.is_none_or(|max| score <= max);

    let mut columns = Vec::with_capacity(stages.len());
    for s in &stages {
        let column = if s.kind == StageKind::Open {
            let mut cards: Vec<DealCard> = open_rows
                .iter()
                .filter(|(d, _)| d.stage_id == s.id)
                .filter_map(|(d, l)| l.as_ref().map(|l| card(d, l, &owners, now)))
                .filter(|c| score_ok(c.score))
                .collect();
            if filter.by_score {
                cards.sort_by_key(|c| std::cmp::Reverse(c.score));
            }
            StageColumn {
                stage: stage_view(s),
                count: cards.len() as u64,
                total_cents: cards.iter().map(|c| c.value_cents).sum(),
                cards,
                hidden: 0,
            }
        } else {
            let (count, total): (i64, Option<i64>) = deal::Entity::find()
                .filter(conditions.clone())
                .filter(deal::Column::StageId.eq(s.id))
                .inner_join(lead::Entity)
                .select_only()
                .column_as(count_deals(), "n")
                .column_as(sum_values(), "total")
                .into_tuple()
                .one(db)
                .await?
                .unwrap_or((0, Some(0)));
            let rows = deal::Entity::find()
                .filter(conditions.clone())
                .filter(deal::Column::StageId.eq(s.id))
                .find_also_related(lead::Entity)
                .order_by_desc(deal::Column::ClosedAt)
                .limit(CLOSED_COLUMN_CARDS)
                .all(db)
                .await?;
            let cards: Vec<DealCard> = rows
                .iter()
                .filter_map(|(d, l)| l.as_ref().map(|l| card(d, l, &owners, now)))
                .collect();
            StageColumn {
                stage: stage_view(s),
                count: count as u64,
                total_cents: total.unwrap_or(0),
                hidden: (count as u64).saturating_sub(cards.len() as u64),
                cards,
            }
        };
        columns.push(column);
    }
    let mut members: Vec<(Uuid, String)> = owners.into_iter().collect();
    members.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(Board {
        pipelines: pipelines.iter().map(|p| (p.id, p.name.clone())).collect(),
        pipeline_id: current.id,
        columns,
        members,
        trades: ws.pack.trades().iter().map(|t| t.to_string()).collect(),
        lost_reasons: ws.pack.lost_reasons().iter().map(|r| r.to_string()).collect(),
        can_work: scope.role.can_work_deals(),
        can_configure: scope.role.can_configure_pipelines(),
        lead_label: ws.pack.labels().lead,
    })
}
