//! The platform admin's view of requests: the list (nobody-could-take-it
//! first), one request with every routing verdict, and « Assigner ».

use super::assign::{self, AssignedBy};
use super::{RequestDetail, RequestRow, RequestStatus, RouteRow, budget_label};
use crate::audit::{EventAction, EventEntity};
use crate::domain::deal_rules::Trigger;
use crate::domain::routing::Exclusion;
use crate::domain::{DealId, StageId, StageKind, WorkspaceId};
use crate::error::AppError;
use crate::infra::entity::{deal, market_request, market_route, stage, workspace};
use crate::infra::{AppState, Audit, SessionUser, Write, time};
use crate::pipeline::rules::{self, Placement};
use chrono::{DateTime, TimeDelta, Utc};
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
        .filter(market_route::Column::AssignedBy.ne(WITHDRAWN_BY))
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
    let delay = reassign_delay(db).await?;
    let now = time::now();
    let mut rows = Vec::with_capacity(routes.len());
    for route in &routes {
        let (stage_name, open_uncontacted) = match route.deal_id {
            Some(deal_id) => match deal::Entity::find_by_id(deal_id)
                .filter(deal::Column::WorkspaceId.eq(route.workspace_id))
                .one(db)
                .await?
            {
                Some(d) => (
                    current_stage(db, route.workspace_id, d.stage_id).await?,
                    d.closed_at.is_none() && d.first_contact_at.is_none(),
                ),
                None => (None, false),
            },
            None => (None, false),
        };
        let withdrawn = route.assigned_by == WITHDRAWN_BY;
        let exclusions: Vec<Exclusion> = serde_json::from_str(&route.exclusions).unwrap_or_default();
        let (name, ws) = names.get(&route.member_id).cloned().unwrap_or_default();
        rows.push(RouteRow {
            member_id: route.member_id,
            name,
            workspace: ws,
            distance_km: route.distance_km,
            score: route.score,
            eligible: route.eligible,
            assigned: route.deal_id.is_some() && !withdrawn,
            stage: stage_name,
            assigned_by: route.assigned_by.clone(),
            reasons: if withdrawn {
                vec![WITHDRAWN.to_string()]
            } else if route.deal_id.is_some() {
                Vec::new()
            } else {
                exclusions.iter().map(Exclusion::message).collect()
            },
            can_withdraw: !withdrawn
                && open_uncontacted
                && !matches!(r.status, RequestStatus::Won | RequestStatus::Closed)
                && route.assigned_at.is_some_and(|at| now >= at + delay),
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
        photos: super::photos::links(db, r.id).await?,
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
    stage_id: Uuid,
) -> Result<Option<String>, AppError> {
    Ok(stage::Entity::find_by_id(stage_id)
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

/// Why a deal the platform took back is lost (in the artisan's workspace),
/// and what the admin's page says of that artisan.
pub const WITHDRAWN: &str = "Demande reprise par la plateforme : client non contacté à temps";
/// `assigned_by` of a route taken back.
const WITHDRAWN_BY: &str = "withdrawn";

async fn reassign_delay(db: &impl ConnectionTrait) -> Result<TimeDelta, AppError> {
    let hours = super::routing::settings(db).await?.reassign_after_hours;
    Ok(TimeDelta::hours(i64::from(Ord::max(hours, 1))))
}

/// « Reprendre »: takes the request back from an artisan who has not
/// contacted the client `reassign_after_hours` (48 h by default) after it was
/// given to them. Their deal is lost with the reason (their board shows
/// it), the route says so, and the admin may then « Assigner » another.
pub async fn withdraw(
    state: &AppState,
    current: &SessionUser,
    request_id: Uuid,
    member_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    admin_only(current)?;
    let delay = reassign_delay(&state.db).await?;
    let w = Write::personal(state, current).await?;
    let r = market_request::Entity::find_by_id(request_id)
        .filter(market_request::Column::WorkspaceId.is_null())
        .one(&w)
        .await?
        .ok_or(AppError::NotFound)?;
    if matches!(r.status, RequestStatus::Won | RequestStatus::Closed) {
        return Err(AppError::Conflict("Cette demande est close.".into()));
    }
    let route = market_route::Entity::find()
        .filter(market_route::Column::RequestId.eq(r.id))
        .filter(market_route::Column::MemberId.eq(member_id))
        .one(&w)
        .await?
        .ok_or(AppError::NotFound)?;
    let (Some(deal_id), Some(assigned_at)) = (route.deal_id, route.assigned_at) else {
        return Err(AppError::Conflict("Cet artisan n'a pas cette demande.".into()));
    };
    if route.assigned_by == WITHDRAWN_BY {
        return Err(AppError::Conflict("La demande lui a déjà été reprise.".into()));
    }
    let d = deal::Entity::find_by_id(deal_id)
        .filter(deal::Column::WorkspaceId.eq(route.workspace_id))
        .one(&w)
        .await?
        .ok_or(AppError::NotFound)?;
    if d.closed_at.is_some() {
        return Err(AppError::Conflict("Son affaire est déjà close.".into()));
    }
    if d.first_contact_at.is_some() {
        return Err(AppError::Conflict(
            "L'artisan a déjà contacté le client : la demande ne lui est pas reprise.".into(),
        ));
    }
    if now < assigned_at + delay {
        return Err(AppError::Conflict(format!(
            "Reprise possible à partir du {} ({} h sans contact).",
            time::display(assigned_at + delay),
            delay.num_hours()
        )));
    }
    let lost = stage::Entity::find()
        .filter(stage::Column::WorkspaceId.eq(route.workspace_id))
        .filter(stage::Column::PipelineId.eq(d.pipeline_id))
        .filter(stage::Column::Kind.eq(StageKind::Lost))
        .one(&w)
        .await?
        .ok_or_else(|| AppError::Conflict("Le tableau de l'artisan n'a pas de colonne « Perdu ».".into()))?;
    w.audit(
        Audit::of(
            EventEntity::MarketRequest,
            Some(r.id),
            EventAction::MarketRequestWithdrawn,
        )
        .after(json!({ "member_id": member_id, "workspace_id": route.workspace_id, "deal_id": deal_id })),
    )
    .await?;
    let taken = market_route::Entity::update_many()
        .set(market_route::ActiveModel {
            assigned_by: sea_orm::ActiveValue::Set(WITHDRAWN_BY.into()),
            ..Default::default()
        })
        .filter(market_route::Column::Id.eq(route.id))
        .filter(market_route::Column::AssignedBy.ne(WITHDRAWN_BY))
        .exec(&w)
        .await?
        .rows_affected;
    if taken != 1 {
        return Err(AppError::Conflict("La demande lui a déjà été reprise.".into()));
    }
    let ws = WorkspaceId(route.workspace_id);
    w.act_in(ws);
    let ctx = rules::context(&w, ws).await?;
    let trigger = Trigger::Move {
        to: StageId(lost.id),
        lost_reason: Some(WITHDRAWN.into()),
    };
    rules::apply_only(&w, &ctx, DealId(d.id), trigger, Placement::Auto).await?;
    w.commit().await
}

/// The settings as the form shows them.
pub async fn settings_form(state: &AppState, current: &SessionUser) -> Result<super::SettingsForm, AppError> {
    admin_only(current)?;
    let s = super::routing::settings(&state.db).await?;
    Ok(super::SettingsForm {
        top_n: s.top_n.to_string(),
        remind_after_hours: s.remind_after_hours.to_string(),
        reassign_after_hours: s.reassign_after_hours.to_string(),
        quote_follow_up_days: s.quote_follow_up_days.to_string(),
        close_after_days: s.close_after_days.to_string(),
    })
}

/// Checks the settings; each message at its field.
pub fn check_settings(form: &super::SettingsForm) -> Result<crate::infra::entity::market_settings::Model, AppError> {
    let mut errors = crate::error::FieldErrors::new();
    let mut number = |field: &str, value: &str, min: i32, max: i32, unit: &str| -> i32 {
        match value.trim().parse::<i32>() {
            Ok(n) if (min..=max).contains(&n) => n,
            _ => {
                errors.push(field, format!("Un nombre entier de {min} à {max}{unit}."));
                0
            }
        }
    };
    let top_n = number("top_n", &form.top_n, 1, 10, "");
    let remind = number("remind_after_hours", &form.remind_after_hours, 1, 168, " h");
    let reassign = number("reassign_after_hours", &form.reassign_after_hours, 1, 720, " h");
    let quote = number("quote_follow_up_days", &form.quote_follow_up_days, 1, 60, " jours");
    let close = number("close_after_days", &form.close_after_days, 7, 365, " jours");
    if remind > 0 && reassign > 0 && reassign < remind {
        errors.push(
            "reassign_after_hours",
            "La reprise vient après le rappel : au moins autant d'heures que lui.",
        );
    }
    errors.into_result()?;
    Ok(crate::infra::entity::market_settings::Model {
        id: 1,
        top_n,
        remind_after_hours: remind,
        reassign_after_hours: reassign,
        quote_follow_up_days: quote,
        close_after_days: close,
    })
}

/// Saves the settings (one row), with an audit event of before and after.
pub async fn save_settings(
    state: &AppState,
    current: &SessionUser,
    form: &super::SettingsForm,
) -> Result<super::SettingsForm, AppError> {
    use crate::infra::entity::market_settings;
    use sea_orm::sea_query::OnConflict;
    admin_only(current)?;
    let next = check_settings(form)?;
    let w = Write::personal(state, current).await?;
    let before = super::routing::settings(&w).await?;
    market_settings::Entity::insert(market_settings::ActiveModel::from(next.clone()))
        .on_conflict(
            OnConflict::column(market_settings::Column::Id)
                .update_columns([
                    market_settings::Column::TopN,
                    market_settings::Column::RemindAfterHours,
                    market_settings::Column::ReassignAfterHours,
                    market_settings::Column::QuoteFollowUpDays,
                    market_settings::Column::CloseAfterDays,
                ])
                .to_owned(),
        )
        .exec_without_returning(&w)
        .await?;
    let as_json = |s: &market_settings::Model| {
        json!({
            "top_n": s.top_n, "remind_after_hours": s.remind_after_hours,
            "reassign_after_hours": s.reassign_after_hours,
            "quote_follow_up_days": s.quote_follow_up_days, "close_after_days": s.close_after_days,
        })
    };
    w.audit(
        Audit::of(EventEntity::MarketRequest, None, EventAction::MarketSettingsSaved)
            .before(as_json(&before))
            .after(as_json(&next)),
    )
    .await?;
    w.commit().await?;
    settings_form(state, current).await
}
