//! An independent recomputation of the coach pack's 35 KPIs from the raw
//! rows (prospects, messages, status changes), without the per-day
//! aggregates: the integration tests and the ingestion benchmark compare it
//! with what the dashboard shows.

use app::dashboard::Period;
use app::domain::kpi::{Estimates, WEEKDAYS, best_slot};
use app::infra::entity::{setter_lead, setter_message, setter_status_change};
use app::infra::time::paris_day;
use app::setter::SetterStatus;
use chrono::{Datelike, NaiveDate, TimeDelta, Timelike, Utc};
use chrono_tz::Europe::Paris;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;
use uuid::Uuid;

fn pct(a: usize, b: usize) -> Option<f64> {
    (b > 0).then(|| a as f64 * 100.0 / b as f64)
}

/// KPI key → value, recomputed from raw rows for a period ending `today`.
pub async fn recompute(
    db: &DatabaseConnection,
    workspace_id: Uuid,
    period: Period,
    est: &Estimates,
    today: NaiveDate,
) -> Result<HashMap<String, Option<f64>>, String> {
    let e = |e: sea_orm::DbErr| e.to_string();
    let leads = setter_lead::Entity::find()
        .filter(setter_lead::Column::WorkspaceId.eq(workspace_id))
        .all(db)
        .await
        .map_err(e)?;
    let messages = setter_message::Entity::find()
        .filter(setter_message::Column::WorkspaceId.eq(workspace_id))
        .order_by_asc(setter_message::Column::SentAt)
        .all(db)
        .await
        .map_err(e)?;
    let changes = setter_status_change::Entity::find()
        .filter(setter_status_change::Column::WorkspaceId.eq(workspace_id))
        .order_by_asc(setter_status_change::Column::OccurredAt)
        .order_by_asc(setter_status_change::Column::Id)
        .all(db)
        .await
        .map_err(e)?;
    let first_day = leads
        .iter()
        .map(|l| paris_day(l.created_at))
        .chain(messages.iter().map(|m| paris_day(m.sent_at)))
        .chain(changes.iter().map(|c| paris_day(c.occurred_at)))
        .min()
        .unwrap_or(today);
    let from = match period.days() {
        Some(d) => today - TimeDelta::days(d - 1),
        None => first_day,
    };
    let days = (today - from).num_days() + 1;
    let in_p = |t: chrono::DateTime<Utc>| {
        let d = paris_day(t);
        d >= from && d <= today
    };
    let created: Vec<&setter_lead::Model> = leads.iter().filter(|l| in_p(l.created_at)).collect();
    let total = created.len();
    let out_in_p = messages
        .iter()
        .filter(|m| m.direction == "out" && in_p(m.sent_at))
        .count();
    let in_in_p = messages
        .iter()
        .filter(|m| m.direction == "in" && in_p(m.sent_at))
        .count();

    // Replies: an incoming message answers the latest message sent at or
    // before it (at the same instant, the greater external id).
    let mut by_lead: HashMap<Uuid, Vec<&setter_message::Model>> = HashMap::new();
    for m in &messages {
        by_lead.entry(m.setter_lead_id).or_default().push(m);
    }
    let mut replied: std::collections::HashSet<Uuid> = Default::default();
    for list in by_lead.values() {
        for m in list.iter().filter(|m| m.direction == "in") {
            if let Some(o) = list
                .iter()
                .filter(|o| o.direction == "out" && o.sent_at <= m.sent_at)
                .max_by_key(|o| (o.sent_at, &o.external_id))
            {
                replied.insert(o.id);
            }
        }
    }
    let rate = |n: i32| {
        let sent: Vec<_> = messages
            .iter()
            .filter(|m| m.direction == "out" && m.number == Some(n) && in_p(m.sent_at))
            .collect();
        pct(sent.iter().filter(|m| replied.contains(&m.id)).count(), sent.len())
    };
    let rates = [rate(1), rate(2), rate(3), rate(4)];

    // Funnel steps, wins and losses: the first time each was reached.
    let mut reached: HashMap<(Uuid, u8), chrono::DateTime<Utc>> = HashMap::new();
    let mut won: HashMap<Uuid, (chrono::DateTime<Utc>, i64)> = HashMap::new();
    let mut lost: HashMap<Uuid, chrono::DateTime<Utc>> = HashMap::new();
    let mut last_status: HashMap<Uuid, SetterStatus> = HashMap::new();
    for c in &changes {
        let s = SetterStatus::parse(&c.status).ok_or("bad status")?;
        last_status.insert(c.setter_lead_id, s);
        for r in 1..=s.funnel_rank().unwrap_or(0).min(3) {
            reached.entry((c.setter_lead_id, r)).or_insert(c.occurred_at);
        }
        if s == SetterStatus::Won {
            // The first report's day, the latest report's value.
            won.entry(c.setter_lead_id)
                .and_modify(|(_, v)| *v = c.deal_value_cents.unwrap_or(0))
                .or_insert((c.occurred_at, c.deal_value_cents.unwrap_or(0)));
        }
        if s == SetterStatus::Lost {
            lost.entry(c.setter_lead_id).or_insert(c.occurred_at);
        }
    }
    let step = |r: u8| reached.iter().filter(|((_, rr), t)| *rr == r && in_p(**t)).count();
    let (qualified, proposed, booked) = (step(1), step(2), step(3));
    let created_at: HashMap<Uuid, chrono::DateTime<Utc>> = leads.iter().map(|l| (l.id, l.created_at)).collect();
    let tta: Vec<i64> = reached
        .iter()
        .filter(|((_, r), t)| *r == 3 && in_p(**t))
        .map(|((id, _), t)| (*t - created_at[id]).num_minutes().max(0))
        .collect();
    let won_p: Vec<i64> = won.values().filter(|(t, _)| in_p(*t)).map(|(_, v)| *v).collect();
    let lost_p = lost.values().filter(|t| in_p(**t)).count();
    // The funnel's rates: among the period's leads, how many ever reached a step.
    let cohort = |reached_by: &dyn Fn(Uuid) -> bool| created.iter().filter(|l| reached_by(l.id)).count();
    let c_qualified = cohort(&|id| reached.contains_key(&(id, 1)));
    let c_proposed = cohort(&|id| reached.contains_key(&(id, 2)));
    let c_booked = cohort(&|id| reached.contains_key(&(id, 3)));
    let c_won = cohort(&|id| won.contains_key(&id));
    let c_lost = cohort(&|id| lost.contains_key(&id));
    let status_of = |l: &setter_lead::Model| last_status.get(&l.id).copied().unwrap_or(SetterStatus::New);
    let count_status = |s: SetterStatus| created.iter().filter(|l| status_of(l) == s).count();
    let gender = |g: &str| created.iter().filter(|l| l.gender == g).count();
    let (male, female, other) = (gender("male"), gender("female"), gender("other"));
    let known = male + female + other;
    let ages: Vec<i64> = created.iter().filter_map(|l| l.age.map(i64::from)).collect();
    let revenue: i64 = won_p.iter().sum();
    let cost = est.monthly_cost_cents as f64 * days as f64 / 30.0;
    let mut heat = [[0i64; 24]; 7];
    for m in messages.iter().filter(|m| m.direction == "in" && in_p(m.sent_at)) {
        let local = m.sent_at.with_timezone(&Paris);
        heat[local.weekday().num_days_from_monday() as usize][local.hour() as usize] += 1;
    }
    let _ = WEEKDAYS;
    let mut k: HashMap<String, Option<f64>> = HashMap::new();
    let mut put = |key: &str, v: Option<f64>| {
        k.insert(key.to_string(), v);
    };
    put("messages_sent", Some(out_in_p as f64));
    put("total_leads", Some(total as f64));
    put(
        "leads_today",
        Some(leads.iter().filter(|l| paris_day(l.created_at) == today).count() as f64),
    );
    put(
        "avg_messages_per_lead",
        (total > 0).then(|| (out_in_p + in_in_p) as f64 / total as f64),
    );
    put(
        "avg_time_to_action_minutes",
        (!tta.is_empty()).then(|| tta.iter().sum::<i64>() as f64 / tta.len() as f64),
    );
    for (i, r) in rates.iter().enumerate() {
        put(&format!("response_rate_msg{}", i + 1), *r);
    }
    put("qualified_leads", Some(qualified as f64));
    put("qualification_rate", pct(c_qualified, total));
    put(
        "lead_magnets_sent",
        Some((qualified as f64 * est.lead_magnet_pct as f64 / 100.0).round()),
    );
    put(
        "emails_captured",
        Some(created.iter().filter(|l| l.email.is_some()).count() as f64),
    );
    put("calls_proposed", Some(proposed as f64));
    put("calls_booked", Some(booked as f64));
    put("call_booking_rate", pct(c_booked, c_proposed));
    put("call_conversion_rate", pct(c_won, c_booked));
    put(
        "no_show_estimate",
        Some((booked as f64 * est.no_show_pct as f64 / 100.0).round()),
    );
    put("male_share", pct(male, known));
    put("female_share", pct(female, known));
    put("other_share", pct(other, known));
    put(
        "avg_age",
        (!ages.is_empty()).then(|| ages.iter().sum::<i64>() as f64 / ages.len() as f64),
    );
    put("new_leads", Some(count_status(SetterStatus::New) as f64));
    put("engaged_leads", Some(count_status(SetterStatus::Engaged) as f64));
    put("leads_won", Some(won_p.len() as f64));
    put("leads_lost", Some(lost_p as f64));
    put("lost_rate", pct(c_lost, total));
    put("leads_follow_up", Some(count_status(SetterStatus::FollowUp) as f64));
    put("follow_up_rate", pct(count_status(SetterStatus::FollowUp), total));
    put("revenue", Some(revenue as f64));
    put(
        "acquisition_cost",
        (!won_p.is_empty() && est.monthly_cost_cents > 0).then(|| cost / won_p.len() as f64),
    );
    put(
        "roi_percent",
        (cost > 0.0).then(|| (revenue as f64 - cost) * 100.0 / cost),
    );
    put("ai_efficiency", Some(est.ai_efficiency_pct as f64));
    put(
        "hours_saved",
        Some(out_in_p as f64 * est.minutes_per_message as f64 / 60.0),
    );
    put("best_hour", best_slot(&heat).map(|(_, h)| h as f64));
    Ok(k)
}

/// Keys whose values differ (relative tolerance 1e-9), as readable lines.
pub fn differences(shown: &[(String, Option<f64>)], expected: &HashMap<String, Option<f64>>) -> Vec<String> {
    let mut out = Vec::new();
    for (key, value) in shown {
        let want = expected.get(key).copied().flatten();
        let same = match (value, want) {
            (None, None) => true,
            (Some(a), Some(b)) => (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0),
            _ => false,
        };
        if !same {
            out.push(format!("{key}: dashboard {value:?}, raw rows {want:?}"));
        }
    }
    if shown.len() != expected.len() {
        out.push(format!("{} KPIs shown, {} recomputed", shown.len(), expected.len()));
    }
    out
}
