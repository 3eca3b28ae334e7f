//! The platform admin's directory of artisan profiles (`/admin/artisans`):
//! filtered by trade, by whether routing may pick them today (from the
//! stored span of their documents: no document is read to filter), and by
//! name, e-mail, company or place; each row of the page says why an artisan
//! is out of routing, from their documents.

use super::{Directory, DirectoryRow, Standing};
use crate::domain::documents::{DocumentStatus, routing_problems};
use crate::domain::paging::Bounded;
use crate::domain::{MemberId, TradePack};
use crate::error::AppError;
use crate::infra::entity::{artisan_profile, artisan_trade, member, user, workspace};
use crate::infra::{AppState, SessionUser, time};
use chrono::TimeDelta;
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;
use uuid::Uuid;

/// Rows per page.
pub const PER_PAGE: u64 = 50;

/// Characters of the search kept.
const MAX_SEARCH: usize = 100;

/// One page of the directory (platform admins only; others: not found).
pub async fn list(
    state: &AppState,
    current: &SessionUser,
    trade: &str,
    standing: Standing,
    search: &str,
    page: Bounded,
) -> Result<Directory, AppError> {
    if !current.user.is_platform_admin {
        return Err(AppError::NotFound);
    }
    let db = &state.db;
    let trades = TradePack::Artisan.trades();
    let now = time::now();
    let today = time::paris_day(now);
    let mut cond = Condition::all();
    let trade = trade.trim();
    if !trade.is_empty() {
        if !trades.contains(&trade) {
            return Err(AppError::field("trade", "Métier inconnu."));
        }
        let of_trade = Query::select()
            .column(artisan_trade::Column::MemberId)
            .from(artisan_trade::Entity)
            .and_where(Expr::col(artisan_trade::Column::Trade).eq(trade))
            .to_owned();
        cond = cond.add(Expr::col(artisan_profile::Column::MemberId).in_subquery(of_trade));
    }
    let with_trade = || {
        Query::select()
            .column(artisan_trade::Column::MemberId)
            .from(artisan_trade::Entity)
            .to_owned()
    };
    let in_order = Condition::all()
        .add(Expr::col(artisan_profile::Column::MemberId).in_subquery(with_trade()))
        .add(artisan_profile::Column::Available.eq(true))
        .add(artisan_profile::Column::RoutableFrom.lte(today))
        .add(artisan_profile::Column::RoutableUntil.gte(today));
    match standing {
        Standing::All => {}
        Standing::InOrder => cond = cond.add(in_order),
        // Spelled out: `NOT (…)` would drop the rows with no span (NULL).
        Standing::Out => {
            cond = cond.add(
                Condition::any()
                    .add(Expr::col(artisan_profile::Column::MemberId).not_in_subquery(with_trade()))
                    .add(artisan_profile::Column::Available.eq(false))
                    .add(artisan_profile::Column::RoutableFrom.is_null())
                    .add(artisan_profile::Column::RoutableUntil.is_null())
                    .add(artisan_profile::Column::RoutableFrom.gt(today))
                    .add(artisan_profile::Column::RoutableUntil.lt(today)),
            )
        }
    }
    let search: String = search.trim().to_lowercase().chars().take(MAX_SEARCH).collect();
    if !search.is_empty() {
        let pattern = crate::infra::db::like_contains(&search);
        let lower = |e: Expr| Expr::expr(Func::lower(e)).like(pattern.clone());
        let by_person = Query::select()
            .column((member::Entity, member::Column::Id))
            .from(member::Entity)
            .inner_join(
                user::Entity,
                Expr::col((user::Entity, user::Column::Id)).equals((member::Entity, member::Column::UserId)),
            )
            .cond_where(
                Condition::any()
                    .add(lower(Expr::col((user::Entity, user::Column::Name))))
                    .add(lower(Expr::col((user::Entity, user::Column::Email)))),
            )
            .to_owned();
        let by_company = Query::select()
            .column(workspace::Column::Id)
            .from(workspace::Entity)
            .and_where(lower(Expr::col(workspace::Column::Name)))
            .to_owned();
        cond = cond.add(
            Condition::any()
                .add(lower(Expr::col(artisan_profile::Column::City)))
                .add(Expr::col(artisan_profile::Column::Postcode).like(pattern.clone()))
                .add(Expr::col(artisan_profile::Column::MemberId).in_subquery(by_person))
                .add(Expr::col(artisan_profile::Column::WorkspaceId).in_subquery(by_company)),
        );
    }
    let total = artisan_profile::Entity::find().filter(cond.clone()).count(db).await?;
    let profiles = artisan_profile::Entity::find()
        .filter(cond)
        .order_by_asc(artisan_profile::Column::Postcode)
        .order_by_asc(artisan_profile::Column::MemberId)
        .offset(page.rows(PER_PAGE))
        .limit(PER_PAGE)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = profiles.iter().map(|p| p.member_id).collect();
    let mut trades_of: HashMap<Uuid, Vec<String>> = HashMap::new();
    for t in artisan_trade::Entity::find()
        .filter(artisan_trade::Column::MemberId.is_in(ids.clone()))
        .order_by_asc(artisan_trade::Column::Trade)
        .all(db)
        .await?
    {
        trades_of.entry(t.member_id).or_default().push(t.trade);
    }
    let docs = super::documents::facts_of(db, &ids, false).await?;
    let received = super::routing::received_since(db, &ids, now - TimeDelta::days(7)).await?;
    let labels = labels(db, profiles.iter().map(|p| (p.member_id, p.workspace_id))).await?;
    let rows = profiles
        .into_iter()
        .map(|p| {
            let facts = docs.get(&p.member_id).map(Vec::as_slice).unwrap_or(&[]);
            let problems = routing_problems(facts, today);
            let pending_documents = facts.iter().filter(|d| d.status == DocumentStatus::Pending).count() as u32;
            let mut reasons: Vec<String> = problems.iter().map(|x| x.message()).collect();
            if !p.available {
                reasons.insert(0, "Disponibilité désactivée".into());
            }
            let trades = trades_of.remove(&p.member_id).unwrap_or_default();
            if trades.is_empty() {
                reasons.insert(0, "Aucun métier choisi".into());
            }
            let in_order_until = match (p.routable_from, p.routable_until) {
                (Some(from), Some(until)) if problems.is_empty() && from <= today && today <= until => {
                    Some(until.format("%d/%m/%Y").to_string())
                }
                _ => None,
            };
            DirectoryRow {
                member_id: MemberId(p.member_id),
                name: labels.get(&p.member_id).map(|l| l.0.clone()).unwrap_or_default(),
                company: labels.get(&p.member_id).map(|l| l.1.clone()).unwrap_or_default(),
                trades,
                place: format!("{} {}", p.postcode, p.city),
                radius_km: p.radius_km,
                weekly_capacity: p.weekly_capacity,
                received_this_week: Ord::max(received.get(&p.member_id).copied().unwrap_or(0), 0) as u32,
                score: p.member_score,
                in_order_until,
                problems: reasons,
                pending_documents,
            }
        })
        .collect();
    Ok(Directory {
        rows,
        total,
        page: page.get(),
        per_page: PER_PAGE,
        trades: trades.iter().map(|t| t.to_string()).collect(),
    })
}

/// Each artisan's name and company, by member, from `(member, workspace)`
/// pairs: three queries whatever their number.
pub async fn labels(
    db: &impl ConnectionTrait,
    artisans: impl Iterator<Item = (Uuid, Uuid)>,
) -> Result<HashMap<Uuid, (String, String)>, AppError> {
    let artisans: Vec<(Uuid, Uuid)> = artisans.collect();
    let mut labels = HashMap::new();
    for chunk in artisans.chunks(500) {
        let members: Vec<member::Model> = member::Entity::find()
            .filter(member::Column::Id.is_in(chunk.iter().map(|a| a.0).collect::<Vec<_>>()))
            .all(db)
            .await?;
        let names: HashMap<Uuid, String> = user::Entity::find()
            .filter(user::Column::Id.is_in(members.iter().map(|m| m.user_id).collect::<Vec<_>>()))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect();
        let companies: HashMap<Uuid, String> = workspace::Entity::find()
            .filter(workspace::Column::Id.is_in(chunk.iter().map(|a| a.1).collect::<Vec<_>>()))
            .all(db)
            .await?
            .into_iter()
            .map(|w| (w.id, w.name))
            .collect();
        for m in members {
            labels.insert(
                m.id,
                (
                    names.get(&m.user_id).cloned().unwrap_or_default(),
                    companies.get(&m.workspace_id).cloned().unwrap_or_default(),
                ),
            );
        }
    }
    Ok(labels)
}
