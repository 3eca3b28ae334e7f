//! Routing statistics kept on each artisan profile, refreshed by the
//! scheduler (routing reads them among thousands of profiles, so they are
//! stored, not computed per request): the member score of `domain::scores`,
//! the median hours to a first contact, and the share of received leads
//! taken up (contacted, quoted or won rather than lost untouched); and
//! closing requests nobody signed after the platform's delay.

use super::RequestStatus;
use super::routing::settings;
use crate::audit::{EventAction, EventEntity};
use crate::domain::StageKind;
use crate::domain::scores::{AssignmentFacts, MEMBER_WINDOW_DAYS, member_score};
use crate::error::AppError;
use crate::infra::entity::{artisan_profile, deal, lead, market_request, stage};
use crate::infra::{AppState, Audit, Write};
use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

const CHUNK: u64 = 500;

/// Recomputes every profile's statistics as of `now`; returns how many changed.
pub async fn refresh(state: &AppState, now: DateTime<Utc>) -> Result<u64, AppError> {
    let db = &state.db;
    let since = now - TimeDelta::days(MEMBER_WINDOW_DAYS);
    let mut after: Option<Uuid> = None;
    let mut changed = 0;
    loop {
        let mut query = artisan_profile::Entity::find()
            .order_by_asc(artisan_profile::Column::MemberId)
            .limit(CHUNK);
        if let Some(last) = after {
            query = query.filter(artisan_profile::Column::MemberId.gt(last));
        }
        let profiles = query.all(db).await?;
        let Some(last) = profiles.last() else { break };
        after = Some(last.member_id);
        let ids: Vec<Uuid> = profiles.iter().map(|p| p.member_id).collect();
        // Marketplace deals only: a member's own leads say nothing of how
        // they take up the platform's.
        let routed = Query::select()
            .column(lead::Column::Id)
            .from(lead::Entity)
            .and_where(Expr::col(lead::Column::RequestId).is_not_null())
            .to_owned();
        let deals = deal::Entity::find()
            .filter(deal::Column::OwnerMemberId.is_in(ids))
            .filter(deal::Column::AssignedAt.gte(since))
            .filter(Expr::col(deal::Column::LeadId).in_subquery(routed))
            .all(db)
            .await?;
        let spaces: Vec<Uuid> = profiles.iter().map(|p| p.workspace_id).collect();
        let won: HashSet<Uuid> = stage::Entity::find()
            .select_only()
            .column(stage::Column::Id)
            .filter(stage::Column::WorkspaceId.is_in(spaces))
            .filter(stage::Column::Kind.eq(StageKind::Won))
            .into_tuple::<Uuid>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        let mut by_member: HashMap<Uuid, Vec<&deal::Model>> = HashMap::new();
        for d in &deals {
            if let Some(m) = d.owner_member_id {
                by_member.entry(m).or_default().push(d);
            }
        }
        for p in &profiles {
            let mine: Vec<&deal::Model> = by_member
                .get(&p.member_id)
                .map(|v| v.iter().filter(|d| d.workspace_id == p.workspace_id).copied().collect())
                .unwrap_or_default();
            let facts: Vec<AssignmentFacts> = mine
                .iter()
                .map(|d| AssignmentFacts {
                    hours_to_contact: d
                        .first_contact_at
                        .map(|c| Ord::max((c - d.assigned_at).num_minutes(), 0) as f64 / 60.0),
                    age_hours: Ord::max((now - d.assigned_at).num_minutes(), 0) as f64 / 60.0,
                    won: won.contains(&d.stage_id),
                })
                .collect();
            let score = member_score(&facts);
            let taken = mine
                .iter()
                .filter(|d| d.first_contact_at.is_some() || d.quote_sent_at.is_some() || won.contains(&d.stage_id))
                .count();
            let judged = mine
                .iter()
                .filter(|d| {
                    d.first_contact_at.is_some() || d.closed_at.is_some() || (now - d.assigned_at).num_hours() >= 48
                })
                .count();
            let new = (
                score.as_ref().map(|s| i16::from(s.score)),
                score.as_ref().and_then(|s| s.median_hours_to_contact),
                (judged > 0).then(|| taken as f64 / judged as f64),
            );
            if (p.member_score, p.response_hours, p.acceptance_rate) != new {
                artisan_profile::Entity::update(artisan_profile::ActiveModel {
                    member_id: Set(p.member_id),
                    member_score: Set(new.0),
                    response_hours: Set(new.1),
                    acceptance_rate: Set(new.2),
                    ..Default::default()
                })
                .exec(db)
                .await?;
                changed += 1;
            }
        }
    }
    Ok(changed)
}

/// Closes the platform's requests older than the platform's delay that no
/// signature won; returns how many.
pub async fn close_old_requests(state: &AppState, now: DateTime<Utc>) -> Result<u64, AppError> {
    let days = i64::from(Ord::max(settings(&state.db).await?.close_after_days, 1));
    let open = [RequestStatus::Routed, RequestStatus::Unrouted];
    let due: Vec<Uuid> = market_request::Entity::find()
        .select_only()
        .column(market_request::Column::Id)
        .filter(market_request::Column::Status.is_in(open))
        .filter(market_request::Column::CreatedAt.lt(now - TimeDelta::days(days)))
        .order_by_asc(market_request::Column::CreatedAt)
        .limit(500)
        .into_tuple()
        .all(&state.db)
        .await?;
    if due.is_empty() {
        return Ok(0);
    }
    let w = Write::system(state, "clôture des demandes", None).await?;
    let mut closed = 0;
    for id in due {
        // Conditional: a request won meanwhile stays won.
        let changed = market_request::Entity::update_many()
            .set(market_request::ActiveModel {
                status: Set(RequestStatus::Closed),
                closed_at: Set(Some(now)),
                updated_at: Set(now),
                ..Default::default()
            })
            .filter(market_request::Column::Id.eq(id))
            .filter(market_request::Column::Status.is_in(open))
            .exec(&w)
            .await?
            .rows_affected;
        if changed == 1 {
            w.audit(
                Audit::of(EventEntity::MarketRequest, Some(id), EventAction::MarketRequestClosed)
                    .after(serde_json::json!({ "after_days": days })),
            )
            .await?;
            closed += 1;
        }
    }
    w.commit().await?;
    Ok(closed)
}
