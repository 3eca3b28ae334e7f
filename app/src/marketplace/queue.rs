//! The platform admin's view of requests: the list (nobody-could-take-it
//! first), one request with every routing verdict, and « Assigner ».

use super::assign::{self, AssignedBy};
use super::{RequestDetail, RequestRow, RequestStatus, RouteRow, budget_label};
use crate::audit::{EventAction, EventEntity};
use crate::domain::routing::Exclusion;
use crate::error::AppError;
use crate::infra::entity::{deal, market_request, market_route, stage, workspace};
use crate::infra::{AppState, Audit, SessionUser, Write, time};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// Requests shown at once.
const PAGE: u64 = 200;

fn admin_only(current: &SessionUser) -> Result<(), AppError> {
    if current.user.is_platform_admin {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

fn row(r: &market_request::Model, assigned: usize) -> RequestRow {
    RequestRow {
        id: r.id,
        created_at: time::display(r.created_at),
        trade: r.trade.clone(),
        place: format!("{} {}", r.postcode, r.city),
        name: r.name.clone(),
        status: r.status,
        assigned,
        repeats: r.repeats,
    }
}

async fn assigned_counts(db: &impl ConnectionTrait, ids: Vec<Uuid>) -> Result<HashMap<Uuid, i64>, AppError> {
    let rows: Vec<(Uuid, i64)> = market_route::Entity::find()
        .select_only()
        .column(market_route::Column::RequestId)
        .column_as(Expr::col(market_route::Column::Id).count(), "n")
        .filter(market_route::Column::RequestId.is_in(ids))
        .filter(market_route::Column::DealId.is_not_null())
        .group_by(market_route::Column::RequestId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// The platform's requests: those nobody could take first, then the newest.
pub async fn list(state: &AppState, current: &SessionUser) -> Result<Vec<RequestRow>, AppError> {
    admin_only(current)?;
    let mut requests = market_request::Entity::find()
        .filter(market_request::Column::WorkspaceId.is_null())
        .order_by_desc(market_request::Column::CreatedAt)
        .limit(PAGE)
        .all(&state.db)
        .await?;
    requests.sort_by_key(|r| r.status != RequestStatus::Unrouted);
    let counts = assigned_counts(&state.db, requests.iter().map(|r| r.id).collect()).await?;
    Ok(requests
        .iter()
        .map(|r| row(r, counts.get(&r.id).copied().unwrap_or(0) as usize))
        .collect())
}

/// One platform request with every verdict.
pub async fn detail(state: &AppState, current: &SessionUser, id: Uuid) -> Result<RequestDetail, AppError> {
    admin_only(current)?;
    let db = &state.db;
    let r = market_request::Entity::find_by_id(id)
        .filter(market_request::Column::WorkspaceId.is_null())
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let routes = market_route::Entity::find()
        .filter(market_route::Column::RequestId.eq(r.id))
        .all(db)
        .await?;
    let names = member_names(db, &routes).await?;
    let mut rows = Vec::with_capacity(routes.len());
    for route in &routes {
        let stage_name = match route.deal_id {
            Some(deal_id) => current_stage(db, route.workspace_id, deal_id).await?,
            None => None,
        };
        let exclusions: Vec<Exclusion> = serde_json::from_str(&route.exclusions).unwrap_or_default();
        let (name, ws) = names.get(&route.member_id).cloned().unwrap_or_default();
        rows.push(RouteRow {
            member_id: route.member_id,
            name,
            workspace: ws,
            distance_km: route.distance_km,
            score: route.score,
            eligible: route.eligible,
            assigned: route.deal_id.is_some(),
            stage: stage_name,
            assigned_by: route.assigned_by.clone(),
            reasons: if route.deal_id.is_some() {
                Vec::new()
            } else {
                exclusions.iter().map(Exclusion::message).collect()
            },
        });
    }
    rows.sort_by(|a, b| {
        b.assigned
            .cmp(&a.assigned)
            .then(b.eligible.cmp(&a.eligible))
            .then(b.score.cmp(&a.score))
            .then(a.distance_km.total_cmp(&b.distance_km))
    });
    let assigned = rows.iter().filter(|r| r.assigned).count();
    Ok(RequestDetail {
        row: row(&r, assigned),
        description: r.description.clone(),
        address: r.address.clone(),
        budget: budget_label(&r.budget).into(),
        desired_on: r.desired_on.map(|d| d.format("%d/%m/%Y").to_string()),
        email: r.email.clone(),
        phone: r.phone.clone(),
        geo_source: r.geo_source.clone(),
        routes: rows,
    })
}

async fn current_stage(
    db: &impl ConnectionTrait,
    workspace_id: Uuid,
    deal_id: Uuid,
) -> Result<Option<String>, AppError> {
    let Some(d) = deal::Entity::find_by_id(deal_id)
        .filter(deal::Column::WorkspaceId.eq(workspace_id))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(stage::Entity::find_by_id(d.stage_id)
        .filter(stage::Column::WorkspaceId.eq(workspace_id))
        .one(db)
        .await?
        .map(|s| s.name))
}

/// Member → (name, workspace name) for the routed members.
async fn member_names(
    db: &impl ConnectionTrait,
    routes: &[market_route::Model],
) -> Result<HashMap<Uuid, (String, String)>, AppError> {
    let mut out = HashMap::new();
    let mut spaces: Vec<Uuid> = routes.iter().map(|r| r.workspace_id).collect();
    spaces.sort();
    spaces.dedup();
    for ws in spaces {
        let ws_name = workspace::Entity::find_by_id(ws)
            .one(db)
            .await?
            .map(|w| w.name)
            .unwrap_or_default();
        let names = crate::pipeline::board::member_names(db, ws).await?;
        for r in routes.iter().filter(|r| r.workspace_id == ws) {
            let name = names.get(&r.member_id).cloned().unwrap_or_default();
            out.insert(r.member_id, (name, ws_name.clone()));
        }
    }
    Ok(out)
}

/// « Assigner »: gives the member a deal on the request by hand (once).
pub async fn assign_by_hand(
    state: &AppState,
    current: &SessionUser,
    request_id: Uuid,
    member_id: Uuid,
) -> Result<(), AppError> {
    admin_only(current)?;
    let w = Write::personal(state, current).await?;
    let r = market_request::Entity::find_by_id(request_id)
        .filter(market_request::Column::WorkspaceId.is_null())
        .one(&w)
        .await?
        .ok_or(AppError::NotFound)?;
    if matches!(r.status, RequestStatus::Won | RequestStatus::Closed) {
        return Err(AppError::Conflict("Cette demande est close.".into()));
    }
    let profile = crate::infra::entity::artisan_profile::Entity::find_by_id(member_id)
        .one(&w)
        .await?
        .ok_or(AppError::NotFound)?;
    w.audit(
        Audit::of(
            EventEntity::MarketRequest,
            Some(r.id),
            EventAction::MarketRequestAssigned,
        )
        .after(json!({ "member_id": member_id, "workspace_id": profile.workspace_id })),
    )
    .await?;
    assign::assign(&w, &r, member_id, profile.workspace_id, AssignedBy::Admin).await?;
    w.commit().await
}
