//! The coach pack: sums the period's per-day aggregates (one row a day),
//! reads the top lists and the follow-up list, builds the charts.

use super::{CoachDashboard, FollowUp, Period, Priority, Share, charts};
use crate::domain::kpi::{self, Counter, Estimates, PeriodFacts, Totals, reply_hour};
use crate::error::AppError;
use crate::infra::entity::setter_lead;
use crate::infra::time;
use crate::setter::SetterStatus;
use crate::setter::aggregates::{self, Dim};
use chrono::{Datelike, NaiveDate, TimeDelta};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

/// First day of a period ending today (`None`: all time).
pub fn first_day(period: Period, today: NaiveDate) -> Option<NaiveDate> {
    period.days().map(|d| today - TimeDelta::days(d - 1))
}

/// The KPIs alone (benchmarks and tests): summed days → 35 values.
pub async fn kpis(
    db: &impl ConnectionTrait,
    workspace_id: Uuid,
    period: Period,
    estimates: &Estimates,
) -> Result<(Vec<kpi::Kpi>, Vec<(NaiveDate, Totals)>, PeriodFacts), AppError> {
    let today = time::paris_day(time::now());
    let from = first_day(period, today);
    let rows = aggregates::days_between(db, workspace_id, from, today).await?;
    let mut totals = Totals::default();
    let mut heat = [[0i64; 24]; 7];
    let mut leads_today = 0;
    for (day, t) in &rows {
        totals.merge(t);
        let wd = day.weekday().num_days_from_monday() as usize;
        for (h, cell) in heat[wd].iter_mut().enumerate() {
            *cell += t.get(reply_hour(h as u32));
        }
        if *day == today {
            leads_today = t.get(Counter::LeadsNew);
        }
    }
    let days = match from {
        Some(from) => (today - from).num_days() + 1,
        None => rows.first().map(|(d, _)| (today - *d).num_days() + 1).unwrap_or(1),
    };
    let facts = PeriodFacts {
        leads_today,
        days,
        heat,
    };
    Ok((kpi::coach_kpis(&totals, &facts, estimates), rows, facts))
}

fn shares(rows: Vec<(String, i64)>, whole: i64) -> Vec<Share> {
    rows.into_iter()
        .map(|(label, count)| Share {
            pct: kpi::pct(count, whole).unwrap_or(0.0),
            label,
            count,
        })
        .collect()
}

/// The whole coach pack for a period.
pub async fn dashboard(
    db: &impl ConnectionTrait,
    workspace_id: Uuid,
    period: Period,
    estimates: Estimates,
) -> Result<CoachDashboard, AppError> {
    let (kpis, rows, facts) = kpis(db, workspace_id, period, &estimates).await?;
    let today = time::paris_day(time::now());
    let from = first_day(period, today);
    let leads = rows.iter().map(|(_, t)| t.get(Counter::LeadsNew)).sum::<i64>();
    let lost = rows.iter().map(|(_, t)| t.get(Counter::Lost)).sum::<i64>();
    let top_sources = shares(
        aggregates::dim_totals(db, workspace_id, Dim::Source, from, today, 3).await?,
        leads,
    );
    let top_jobs = shares(
        aggregates::dim_totals(db, workspace_id, Dim::Job, from, today, 5).await?,
        leads,
    );
    let lost_reasons = shares(
        aggregates::dim_totals(db, workspace_id, Dim::LostReason, from, today, 5).await?,
        lost,
    );
    let follow_ups = follow_ups(db, workspace_id).await?;
    // Leads per day: every day of the period (the last 90 for all time), zeros included.
    let chart_from = from
        .unwrap_or(today - TimeDelta::days(89))
        .max(today - TimeDelta::days(89));
    let mut per_day = Vec::new();
    let mut day = chart_from;
    while day <= today {
        let n = rows
            .iter()
            .find(|(d, _)| *d == day)
            .map(|(_, t)| t.get(Counter::LeadsNew))
            .unwrap_or(0);
        per_day.push((day.format("%d/%m").to_string(), n));
        day += TimeDelta::days(1);
    }
    let has_data = !rows.is_empty()
        || setter_lead::Entity::find()
            .filter(setter_lead::Column::WorkspaceId.eq(workspace_id))
            .select_only()
            .column(setter_lead::Column::Id)
            .into_tuple::<Uuid>()
            .one(db)
            .await?
            .is_some();
    let charts = vec![
        charts::funnel(&kpis),
        charts::leads_per_day(&per_day),
        charts::response_rates(&kpis),
        charts::gender(&kpis),
        charts::top("chart-sources", "Top sources", &top_sources),
        charts::top("chart-jobs", "Top métiers", &top_jobs),
        charts::heat_map(&facts.heat),
    ];
    Ok(CoachDashboard {
        kpis,
        top_sources,
        top_jobs,
        lost_reasons,
        follow_ups,
        charts,
        has_data,
        estimates,
    })
}

/// Prospects in « à relancer », most urgent first (ten at most).
async fn follow_ups(db: &impl ConnectionTrait, workspace_id: Uuid) -> Result<Vec<FollowUp>, AppError> {
    let now = time::now();
    let rows = setter_lead::Entity::find()
        .filter(setter_lead::Column::WorkspaceId.eq(workspace_id))
        .filter(setter_lead::Column::Status.eq(SetterStatus::FollowUp.key()))
        .order_by_asc(setter_lead::Column::LastContactAt)
        .limit(200)
        .all(db)
        .await?;
    let mut list: Vec<FollowUp> = rows
        .into_iter()
        .map(|l| {
            let days_silent = (now - l.last_contact_at.unwrap_or(l.created_at)).num_days().max(0);
            let stage = if l.call_booked_at.is_some() {
                SetterStatus::CallBooked
            } else if l.call_proposed_at.is_some() {
                SetterStatus::CallProposed
            } else if l.qualified_at.is_some() {
                SetterStatus::Qualified
            } else {
                SetterStatus::Engaged
            };
            let name = match &l.username {
                Some(u) => format!("@{u}"),
                None => format!("{} {}", l.first_name, l.last_name).trim().to_string(),
            };
            FollowUp {
                name,
                days_silent,
                priority: Priority::of(l.qualified_at.is_some(), days_silent),
                stage: stage.label().into(),
            }
        })
        .collect();
    list.sort_by(|a, b| a.priority.cmp(&b.priority).then(b.days_silent.cmp(&a.days_silent)));
    list.truncate(10);
    Ok(list)
}
