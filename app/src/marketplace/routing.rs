//! Routing a request: the artisans of its trade around it, judged by
//! `domain::routing`, every verdict stored for the admin, a deal for each
//! one picked.

use super::RequestStatus;
use super::assign::{self, AssignedBy};
use crate::domain::documents::routing_problems;
use crate::domain::geo::{Point, bounding_box};
use crate::domain::routing::{Candidate, Verdict, route};
use crate::error::AppError;
use crate::infra::entity::{artisan_profile, artisan_trade, market_request, market_route, market_settings};
use crate::infra::{Write, time};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
};
use std::collections::HashMap;
use uuid::Uuid;

/// The widest radius a profile may have, so the search box around a request.
pub const MAX_RADIUS_KM: f64 = *super::RADIUS_KM.end() as f64;

/// The platform's routing settings, defaults when none are saved.
pub async fn settings(db: &impl ConnectionTrait) -> Result<market_settings::Model, AppError> {
    Ok(market_settings::Entity::find()
        .one(db)
        .await?
        .unwrap_or(market_settings::Model {
            id: 0,
            top_n: 3,
            remind_after_hours: 24,
            reassign_after_hours: 48,
            quote_follow_up_days: 7,
            close_after_days: 60,
        }))
}

/// Artisans out of their radius kept as candidates (the nearest ones), so
/// the admin reads why the artisans around were not picked.
pub const NEAREST_OUT_OF_RADIUS: u64 = 20;

/// Kilometres per degree of latitude.
const KM_PER_DEGREE: f64 = 111.2;

/// The artisans of `trade` around `site` worth judging, with what routing
/// needs to judge them on `now`: every one whose zone may cover the site,
/// and the [`NEAREST_OUT_OF_RADIUS`] nearest others within
/// [`MAX_RADIUS_KM`]. The database sorts them by an equirectangular
/// distance (within 1 % of the great circle at these ranges; the zone test
/// has a 2 % + 2 km margin) so only those rows are read; `domain::routing`
/// then decides with the exact distance. Documents are read only for the
/// artisans whose stored span (`routable_from..=routable_until`) does not
/// hold `now`'s day, to say what is wrong.
pub async fn candidates(
    db: &impl ConnectionTrait,
    trade: &str,
    site: Point,
    now: DateTime<Utc>,
) -> Result<Vec<Candidate>, AppError> {
    use sea_orm::{JoinType, Order, QueryOrder};
    let bx = bounding_box(site, MAX_RADIUS_KM);
    let lat = || Expr::col((artisan_trade::Entity, artisan_trade::Column::Latitude));
    let lon = || Expr::col((artisan_trade::Entity, artisan_trade::Column::Longitude));
    // Squared distance in km², and the squared zone (with its margin).
    let lat_scale = KM_PER_DEGREE * KM_PER_DEGREE;
    let lon_scale = lat_scale * site.lat.to_radians().cos().powi(2);
    let distance2 = || {
        let dlat = || lat().sub(site.lat);
        let dlon = || lon().sub(site.lon);
        dlat().mul(dlat()).mul(lat_scale).add(dlon().mul(dlon()).mul(lon_scale))
    };
    let zone2 = || {
        let zone = || {
            Expr::col((artisan_trade::Entity, artisan_trade::Column::RadiusKm))
                .mul(1.02)
                .add(2.0)
        };
        zone().mul(zone())
    };
    // One index range on the trade's rows in the box (base and radius are
    // copied onto each trade row), then each one's profile by its key; only
    // the columns routing reads (no names, addresses, phones).
    let around = || {
        artisan_trade::Entity::find()
            .select_only()
            .columns([
                artisan_profile::Column::MemberId,
                artisan_profile::Column::WorkspaceId,
                artisan_profile::Column::Latitude,
                artisan_profile::Column::Longitude,
                artisan_profile::Column::RadiusKm,
                artisan_profile::Column::WeeklyCapacity,
                artisan_profile::Column::Available,
                artisan_profile::Column::MemberScore,
                artisan_profile::Column::ResponseHours,
                artisan_profile::Column::AcceptanceRate,
                artisan_profile::Column::RoutableFrom,
                artisan_profile::Column::RoutableUntil,
            ])
            .join(JoinType::InnerJoin, profile_of_trade())
            .filter(artisan_trade::Column::Trade.eq(trade))
            .filter(artisan_trade::Column::Latitude.between(bx.min_lat, bx.max_lat))
            .filter(artisan_trade::Column::Longitude.between(bx.min_lon, bx.max_lon))
    };
    type Row = (
        Uuid,
        Uuid,
        f64,
        f64,
        i32,
        i32,
        bool,
        Option<i16>,
        Option<f64>,
        Option<f64>,
        Option<NaiveDate>,
        Option<NaiveDate>,
    );
    let mut profiles: Vec<Row> = around().filter(distance2().lte(zone2())).into_tuple().all(db).await?;
    profiles.extend(
        around()
            .filter(distance2().gt(zone2()))
            .order_by(distance2(), Order::Asc)
            .limit(NEAREST_OUT_OF_RADIUS)
            .into_tuple::<Row>()
            .all(db)
            .await?,
    );
    let day = time::paris_day(now);
    let in_order = |p: &Row| matches!((p.10, p.11), (Some(from), Some(until)) if from <= day && day <= until);
    let unsure: Vec<Uuid> = profiles.iter().filter(|p| !in_order(p)).map(|p| p.0).collect();
    let documents = super::documents::facts_of(db, &unsure, true).await?;
    let ids: Vec<Uuid> = profiles.iter().map(|p| p.0).collect();
    let received = received_since(db, &ids, now - TimeDelta::days(7)).await?;
    Ok(profiles
        .into_iter()
        .map(|p| {
            let document_problems = if in_order(&p) {
                Vec::new()
            } else {
                routing_problems(documents.get(&p.0).map(Vec::as_slice).unwrap_or(&[]), day)
            };
            let (
                member_id,
                workspace_id,
                lat,
                lon,
                radius,
                capacity,
                available,
                score,
                response_hours,
                acceptance_rate,
                ..,
            ) = p;
            Candidate {
                member_id,
                workspace_id,
                trades: vec![trade.to_string()],
                base: Point { lat, lon },
                radius_km: Ord::max(radius, 0) as u32,
                available,
                weekly_capacity: Ord::max(capacity, 0) as u32,
                received_this_week: Ord::max(received.get(&member_id).copied().unwrap_or(0), 0) as u32,
                document_problems,
                member_score: score.map(|s| s.clamp(0, 100) as u8),
                response_hours,
                acceptance_rate,
            }
        })
        .collect())
}

/// Routes each of `members` received since `since` (their week's load).
pub async fn received_since(
    db: &impl ConnectionTrait,
    members: &[Uuid],
    since: DateTime<Utc>,
) -> Result<HashMap<Uuid, i64>, AppError> {
    let mut received = HashMap::new();
    for chunk in members.chunks(500) {
        let counts: Vec<(Uuid, i64)> = market_route::Entity::find()
            .select_only()
            .column(market_route::Column::MemberId)
            .column_as(Expr::col(market_route::Column::Id).count(), "n")
            .filter(market_route::Column::MemberId.is_in(chunk.to_vec()))
            .filter(market_route::Column::AssignedAt.gte(since))
            .group_by(market_route::Column::MemberId)
            .into_tuple()
            .all(db)
            .await?;
        received.extend(counts);
    }
    Ok(received)
}

/// A trade row's profile (same member).
fn profile_of_trade() -> sea_orm::RelationDef {
    artisan_trade::Entity::belongs_to(artisan_profile::Entity)
        .from(artisan_trade::Column::MemberId)
        .to(artisan_profile::Column::MemberId)
        .into()
}

/// Routes a request (in the caller's envelope): judges the artisans around,
/// stores every verdict, gives each picked one a deal. Returns the verdicts.
pub async fn route_request(w: &Write, request: &market_request::Model) -> Result<Vec<Verdict>, AppError> {
    let now = time::now();
    let top_n = Ord::max(settings(w).await?.top_n, 0) as usize;
    let site = Point {
        lat: request.latitude,
        lon: request.longitude,
    };
    let candidates = candidates(w, &request.trade, site, now).await?;
    let verdicts = route(&request.trade, site, &candidates, top_n);
    for chunk in verdicts.chunks(500) {
        market_route::Entity::insert_many(chunk.iter().map(|v| verdict_row(request.id, v, now)))
            .exec_without_returning(w)
            .await?;
    }
    for v in verdicts.iter().filter(|v| v.picked) {
        assign::assign(w, request, v.member_id, v.workspace_id, AssignedBy::Routing).await?;
    }
    let status = if verdicts.iter().any(|v| v.picked) {
        RequestStatus::Routed
    } else {
        RequestStatus::Unrouted
    };
    market_request::ActiveModel {
        id: Set(request.id),
        status: Set(status),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(w)
    .await?;
    Ok(verdicts)
}

fn verdict_row(request_id: Uuid, v: &Verdict, now: DateTime<Utc>) -> market_route::ActiveModel {
    market_route::ActiveModel {
        id: Set(Uuid::now_v7()),
        request_id: Set(request_id),
        workspace_id: Set(v.workspace_id),
        member_id: Set(v.member_id),
        eligible: Set(v.eligible),
        picked: Set(false),
        distance_km: Set(v.distance_km),
        score: Set(v.score as i32),
        exclusions: Set(serde_json::to_string(&v.exclusions).unwrap_or_else(|_| "[]".into())),
        lead_id: Set(None),
        deal_id: Set(None),
        assigned_by: Set(String::new()),
        assigned_at: Set(None),
        reminded_at: Set(None),
        quote_reminded_at: Set(None),
        created_at: Set(now),
    }
}
