//! What the admin's map draws (platform admins only).

use super::RequestStatus;
use super::map::{MapArtisan, MapRequest, MarketMap, km_to_units, project};
use crate::domain::TradePack;
use crate::domain::documents::routing_problems;
use crate::domain::geo::Point;
use crate::error::AppError;
use crate::infra::entity::{artisan_profile, artisan_trade, market_request};
use crate::infra::{AppState, SessionUser, time};
use chrono::TimeDelta;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;
use uuid::Uuid;

/// Markers drawn at most of each kind.
const LIMIT: u64 = 2_000;

/// Artisans of `trade` (all when `None`) and requests of the last 90 days
/// of that trade and `status`.
pub async fn map(
    state: &AppState,
    current: &SessionUser,
    trade: Option<String>,
    status: Option<RequestStatus>,
) -> Result<MarketMap, AppError> {
    if !current.user.is_platform_admin {
        return Err(AppError::NotFound);
    }
    let db = &state.db;
    let trade = trade.filter(|t| !t.is_empty());
    let mut profiles = artisan_profile::Entity::find().order_by_asc(artisan_profile::Column::MemberId);
    if let Some(t) = &trade {
        let of_trade = Query::select()
            .column(artisan_trade::Column::MemberId)
            .from(artisan_trade::Entity)
            .and_where(Expr::col(artisan_trade::Column::Trade).eq(t.clone()))
            .to_owned();
        profiles = profiles.filter(Expr::col(artisan_profile::Column::MemberId).in_subquery(of_trade));
    }
    let profiles = profiles.limit(LIMIT).all(db).await?;
    let ids: Vec<Uuid> = profiles.iter().map(|p| p.member_id).collect();
    let mut trades: HashMap<Uuid, Vec<String>> = HashMap::new();
    for chunk in ids.chunks(500) {
        for t in artisan_trade::Entity::find()
            .filter(artisan_trade::Column::MemberId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            trades.entry(t.member_id).or_default().push(t.trade);
        }
    }
    let docs = super::documents::facts_of(db, &ids, true).await?;
    let labels = super::directory::labels(db, profiles.iter().map(|p| (p.member_id, p.workspace_id))).await?;
    let today = time::paris_day(time::now());
    let artisans = profiles
        .iter()
        .map(|p| {
            let (x, y) = project(Point {
                lat: p.latitude,
                lon: p.longitude,
            });
            let routable = p.available
                && routing_problems(docs.get(&p.member_id).map(Vec::as_slice).unwrap_or(&[]), today).is_empty();
            MapArtisan {
                label: labels
                    .get(&p.member_id)
                    .map(|(name, company)| format!("{name} — {company}"))
                    .unwrap_or_default(),
                x,
                y,
                r: km_to_units(f64::from(p.radius_km), p.latitude),
                radius_km: p.radius_km,
                trades: trades.remove(&p.member_id).unwrap_or_default(),
                routable,
            }
        })
        .collect();
    let mut requests = market_request::Entity::find()
        .filter(market_request::Column::WorkspaceId.is_null())
        .filter(market_request::Column::CreatedAt.gte(time::now() - TimeDelta::days(90)))
        .order_by_desc(market_request::Column::CreatedAt);
    if let Some(t) = &trade {
        requests = requests.filter(market_request::Column::Trade.eq(t.clone()));
    }
    if let Some(s) = status {
        requests = requests.filter(market_request::Column::Status.eq(s));
    }
    let requests = requests
        .limit(LIMIT)
        .all(db)
        .await?
        .into_iter()
        .map(|r| {
            let (x, y) = project(Point {
                lat: r.latitude,
                lon: r.longitude,
            });
            MapRequest {
                id: r.id,
                label: format!("{} — {} {}", r.trade, r.postcode, r.city),
                x,
                y,
                status: r.status,
            }
        })
        .collect();
    Ok(MarketMap {
        artisans,
        requests,
        trades: TradePack::Artisan.trades().iter().map(|t| t.to_string()).collect(),
    })
}
