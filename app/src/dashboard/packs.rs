//! « Mes chiffres » (a member's own figures this month, every pack but the
//! coach's) and « Pilotage » (the workspace's pipeline and quotes). Small, indexed queries on the
//! tenant's tables; computed on every render.

use super::{Pack, charts};
use crate::domain::kpi::{Kpi, Unit, pct, ratio};
use crate::domain::{StageKind, TradePack};
use crate::error::AppError;
use crate::infra::entity::{deal, quote, stage};
use crate::infra::{Scope, time};
use crate::quote::QuoteStatus;
use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

/// Midnight (Paris) starting the month of `day`, in UTC, and the month before.
fn month_bounds(day: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let first = day.with_day(1).unwrap_or(day);
    let prev = (first - TimeDelta::days(1)).with_day(1).unwrap_or(first);
    let at = |d: NaiveDate| {
        Paris
            .from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    };
    (at(first), at(prev))
}

/// The caller's own figures: the deals they were given and the quotes they
/// sent this month.
pub async fn mine(db: &impl ConnectionTrait, scope: &Scope, pack: TradePack) -> Result<Pack, AppError> {
    let now = time::now();
    let (month, _) = month_bounds(time::paris_day(now));
    let ws = scope.workspace_id.0;
    let mine = deal::Entity::find()
        .filter(deal::Column::WorkspaceId.eq(ws))
        .filter(deal::Column::OwnerMemberId.eq(scope.member_id.0))
        .filter(deal::Column::AssignedAt.gte(month - TimeDelta::days(62)))
        .all(db)
        .await?;
    let this_month: Vec<&deal::Model> = mine.iter().filter(|d| d.assigned_at >= month).collect();
    let stages = stage::Entity::find()
        .filter(stage::Column::WorkspaceId.eq(ws))
        .all(db)
        .await?;
    let kind = |id| stages.iter().find(|s| s.id == id).map(|s| s.kind);
    let closed: Vec<&deal::Model> = mine
        .iter()
        .filter(|d| d.closed_at.is_some_and(|c| c >= month))
        .collect();
    let won = closed
        .iter()
        .filter(|d| kind(d.stage_id) == Some(StageKind::Won))
        .count() as i64;
    let contacted: Vec<i64> = this_month
        .iter()
        .filter_map(|d| d.first_contact_at.map(|f| (f - d.assigned_at).num_minutes().max(0)))
        .collect();
    let within_day = this_month
        .iter()
        .filter(|d| {
            d.first_contact_at
                .is_some_and(|f| f - d.assigned_at <= TimeDelta::hours(24))
        })
        .count() as i64;
    let quotes = quote::Entity::find()
        .filter(quote::Column::WorkspaceId.eq(ws))
        .filter(quote::Column::CreatedByMemberId.eq(scope.member_id.0))
        .filter(quote::Column::SentAt.gte(month - TimeDelta::days(62)))
        .all(db)
        .await?;
    let sent = quotes.iter().filter(|q| q.sent_at.is_some_and(|s| s >= month)).count() as i64;
    let soon = time::paris_day(now) + TimeDelta::days(7);
    let expiring = quotes
        .iter()
        .filter(|q| matches!(q.status, QuoteStatus::Sent | QuoteStatus::Viewed))
        .filter(|q| q.valid_until.is_some_and(|v| v <= soon && v >= time::paris_day(now)))
        .count() as i64;
    let mut kpis = vec![
        Kpi::new(
            "leads_received_month",
            // An artisan receives requests; a workshop or a sales team deals.
            if pack == TradePack::Artisan {
                "Demandes reçues ce mois"
            } else {
                "Affaires reçues ce mois"
            },
            0,
            Some(this_month.len() as f64),
            Unit::Count,
        ),
        Kpi::new(
            "quotes_sent_month",
            "Devis envoyés ce mois",
            0,
            Some(sent as f64),
            Unit::Count,
        ),
        Kpi::new(
            "conversion_rate",
            "Taux de conversion (affaires closes ce mois)",
            0,
            pct(won, closed.len() as i64),
            Unit::Percent,
        ),
        Kpi::new(
            "avg_first_contact_minutes",
            "Délai moyen avant premier contact",
            0,
            ratio(contacted.iter().sum(), contacted.len() as i64),
            Unit::Minutes,
        ),
        Kpi::new(
            "contacted_within_24h",
            "Contactées en moins de 24 h",
            0,
            pct(within_day, this_month.len() as i64),
            Unit::Percent,
        ),
        Kpi::new(
            "documents_expiring",
            "Devis qui expirent sous 7 jours",
            0,
            Some(expiring as f64),
            Unit::Count,
        ),
    ];
    kpis[5].detail = Some("Devis envoyés en attente de signature".into());
    Ok(Pack {
        title: "Mes chiffres".into(),
        kpis,
        charts: vec![],
    })
}

/// The workspace's pipeline and quotes (owners, admins, accounting).
pub async fn workspace(db: &impl ConnectionTrait, scope: &Scope) -> Result<Pack, AppError> {
    let now = time::now();
    let (month, prev_month) = month_bounds(time::paris_day(now));
    let ws = scope.workspace_id.0;
    let stages = stage::Entity::find()
        .filter(stage::Column::WorkspaceId.eq(ws))
        .order_by_asc(stage::Column::PipelineId)
        .order_by_asc(stage::Column::Position)
        .all(db)
        .await?;
    let open_ids: Vec<_> = stages
        .iter()
        .filter(|s| s.kind == StageKind::Open)
        .map(|s| s.id)
        .collect();
    let won_ids: Vec<_> = stages
        .iter()
        .filter(|s| s.kind == StageKind::Won)
        .map(|s| s.id)
        .collect();
    let open = deal::Entity::find()
        .filter(deal::Column::WorkspaceId.eq(ws))
        .filter(deal::Column::StageId.is_in(open_ids))
        .all(db)
        .await?;
    let mut by_stage: Vec<(String, i64)> = Vec::new();
    for s in stages.iter().filter(|s| s.kind == StageKind::Open) {
        let v: i64 = open.iter().filter(|d| d.stage_id == s.id).map(|d| d.value_cents).sum();
        match by_stage.iter_mut().find(|(n, _)| *n == s.name) {
            Some((_, total)) => *total += v,
            None => by_stage.push((s.name.clone(), v)),
        }
    }
    let won = deal::Entity::find()
        .filter(deal::Column::WorkspaceId.eq(ws))
        .filter(deal::Column::StageId.is_in(won_ids))
        .filter(deal::Column::ClosedAt.gte(prev_month))
        .all(db)
        .await?;
    let won_now: i64 = won
        .iter()
        .filter(|d| d.closed_at.is_some_and(|c| c >= month))
        .map(|d| d.value_cents)
        .sum();
    let won_prev: i64 = won
        .iter()
        .filter(|d| d.closed_at.is_some_and(|c| c < month))
        .map(|d| d.value_cents)
        .sum();
    let won_count = won.iter().filter(|d| d.closed_at.is_some_and(|c| c >= month)).count() as i64;
    let since = now - TimeDelta::days(90);
    let quotes = quote::Entity::find()
        .filter(quote::Column::WorkspaceId.eq(ws))
        .filter(quote::Column::SentAt.gte(since))
        .all(db)
        .await?;
    let decided = quotes
        .iter()
        .filter(|q| {
            matches!(
                q.status,
                QuoteStatus::Signed | QuoteStatus::Declined | QuoteStatus::Expired
            )
        })
        .count() as i64;
    let signed: Vec<&quote::Model> = quotes.iter().filter(|q| q.status == QuoteStatus::Signed).collect();
    let delays: Vec<i64> = signed
        .iter()
        .filter_map(|q| Some((q.signed_at? - q.sent_at?).num_minutes().max(0)))
        .collect();
    let mut kpis = vec![
        Kpi::new(
            "pipeline_value",
            "Valeur du pipeline ouvert",
            0,
            Some(by_stage.iter().map(|(_, v)| *v).sum::<i64>() as f64),
            Unit::Cents,
        ),
        Kpi::new("won_this_month", "Gagné ce mois", 0, Some(won_now as f64), Unit::Cents),
        Kpi::new(
            "quote_acceptance_rate",
            "Devis acceptés (90 jours)",
            0,
            pct(signed.len() as i64, decided),
            Unit::Percent,
        ),
        Kpi::new(
            "avg_time_to_acceptance_minutes",
            "Délai moyen d'acceptation",
            0,
            ratio(delays.iter().sum(), delays.len() as i64),
            Unit::Minutes,
        ),
        Kpi::new(
            "avg_quote",
            "Devis moyen (HT, 90 jours)",
            0,
            ratio(quotes.iter().map(|q| q.total_ht_cents).sum(), quotes.len() as i64),
            Unit::Cents,
        ),
        Kpi::new(
            "month_over_month",
            "Évolution du gagné vs mois dernier",
            0,
            (won_prev > 0).then(|| (won_now - won_prev) as f64 * 100.0 / won_prev as f64),
            Unit::Percent,
        ),
    ];
    kpis[1].detail = Some(format!("{won_count} affaire(s)"));
    Ok(Pack {
        title: "Pilotage".into(),
        kpis,
        charts: vec![charts::by_stage("chart-stages", "Valeur par étape", &by_stage)],
    })
}
