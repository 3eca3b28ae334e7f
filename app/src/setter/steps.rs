//! The effect of each setter event on a prospect (in memory) and on the
//! per-day counters; `ingest::apply` loads the prospects, runs these in
//! order, then writes everything.

use super::aggregates::{Deltas, Dim};
use super::ingest::BatchOutcome;
use super::payload::{LeadUpsert, Message, StatusChange};
use super::pipeline_link::{DealMove, PipelineLink};
use super::{Gender, SetterStatus};
use crate::domain::kpi::{Counter, reply_hour};
use crate::error::AppError;
use crate::infra::entity::{deal, lead, setter_lead, setter_message};
use crate::infra::time;
use chrono::{DateTime, Timelike, Utc};
use chrono_tz::Europe::Paris;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;
use uuid::Uuid;

/// An outgoing message a reply may answer.
#[derive(Clone, Debug)]
pub(super) struct OutRef {
    sent_at: DateTime<Utc>,
    number: Option<i32>,
    replied: bool,
    /// Stored before this batch (update by id) or pending in this batch (index).
    stored: Option<Uuid>,
    pending: Option<usize>,
}

pub(super) struct LeadState {
    pub model: setter_lead::Model,
    pub created: bool,
    pub dirty: bool,
    /// Outgoing messages known in this batch (and the latest stored one).
    pub outs: Vec<OutRef>,
    pub outs_loaded: bool,
}

fn status_counter(s: SetterStatus) -> Counter {
    match s {
        SetterStatus::New => Counter::StNew,
        SetterStatus::Engaged => Counter::StEngaged,
        SetterStatus::Qualified => Counter::StQualified,
        SetterStatus::CallProposed => Counter::StCallProposed,
        SetterStatus::CallBooked => Counter::StCallBooked,
        SetterStatus::Won => Counter::StWon,
        SetterStatus::Lost => Counter::StLost,
        SetterStatus::FollowUp => Counter::StFollowUp,
    }
}

fn gender_counter(g: &str) -> Option<Counter> {
    match Gender::parse(g)? {
        Gender::Male => Some(Counter::Male),
        Gender::Female => Some(Counter::Female),
        Gender::Other => Some(Counter::OtherGender),
        Gender::Unknown => None,
    }
}

/// Adds (`sign` = 1) or removes (-1) a prospect's cohort counters: the
/// demographics, email and breakdowns of the day it was created.
fn cohort(d: &mut Deltas, m: &setter_lead::Model, sign: i64) {
    let day = time::paris_day(m.created_at);
    if let Some(c) = gender_counter(&m.gender) {
        d.add(day, c, sign);
    }
    if let Some(age) = m.age {
        d.add(day, Counter::AgeSum, sign * age as i64);
        d.add(day, Counter::AgeCount, sign);
    }
    if m.email.is_some() {
        d.add(day, Counter::WithEmail, sign);
    }
    d.dim(day, Dim::Source, &m.source, sign);
    if let Some(job) = &m.job_title {
        d.dim(day, Dim::Job, job, sign);
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn upsert_lead(
    leads: &mut HashMap<String, LeadState>,
    deltas: &mut Deltas,
    new_pipeline: &mut Vec<(lead::ActiveModel, deal::ActiveModel)>,
    out: &mut BatchOutcome,
    workspace_id: Uuid,
    l: LeadUpsert,
    link: Option<&PipelineLink>,
    now: DateTime<Utc>,
) {
    if let Some(state) = leads.get_mut(&l.instagram_id) {
        // An update: the cohort counters move from the old values to the new.
        cohort(deltas, &state.model, -1);
        let m = &mut state.model;
        m.manychat_id = l.manychat_id.or(m.manychat_id.take());
        m.username = l.username.or(m.username.take());
        if !l.first_name.is_empty() {
            m.first_name = l.first_name;
        }
        if !l.last_name.is_empty() {
            m.last_name = l.last_name;
        }
        m.email = l.email.or(m.email.take());
        m.age = l.age.or(m.age);
        if l.gender != Gender::Unknown {
            m.gender = l.gender.key().into();
        }
        m.job_title = l.job_title.or(m.job_title.take());
        if let Some(source) = l.source {
            m.source = source;
        }
        m.updated_at = now;
        cohort(deltas, &state.model, 1);
        state.dirty = true;
        return;
    }
    let (lead_id, deal_id) = match link {
        Some(link) => {
            let (lead, deal) = link.new_rows(workspace_id, &l, now);
            let ids = (*lead.id.as_ref(), *deal.id.as_ref());
            new_pipeline.push((lead, deal));
            (Some(ids.0), Some(ids.1))
        }
        None => (None, None),
    };
    let model = setter_lead::Model {
        id: Uuid::now_v7(),
        workspace_id,
        instagram_id: l.instagram_id.clone(),
        manychat_id: l.manychat_id,
        username: l.username,
        first_name: l.first_name,
        last_name: l.last_name,
        email: l.email,
        age: l.age,
        gender: l.gender.key().into(),
        job_title: l.job_title,
        source: l.source.unwrap_or_else(|| DEFAULT_SOURCE.into()),
        status: SetterStatus::New.key().into(),
        status_changed_at: None,
        deal_value_cents: None,
        lost_reason: None,
        lead_id,
        deal_id,
        msgs_out: 0,
        msgs_in: 0,
        created_at: l.at,
        updated_at: now,
        last_contact_at: None,
        qualified_at: None,
        call_proposed_at: None,
        call_booked_at: None,
        won_at: None,
        lost_at: None,
    };
    let day = time::paris_day(model.created_at);
    deltas.add(day, Counter::LeadsNew, 1);
    deltas.add(day, Counter::StNew, 1);
    cohort(deltas, &model, 1);
    out.leads_created += 1;
    leads.insert(
        l.instagram_id,
        LeadState {
            model,
            created: true,
            dirty: false,
            outs: Vec::new(),
            outs_loaded: true,
        },
    );
}

/// Source of a prospect created without one.
pub const DEFAULT_SOURCE: &str = "dm_organique";

const SENT: [Counter; 4] = [Counter::M1Sent, Counter::M2Sent, Counter::M3Sent, Counter::M4Sent];
const REPLIED: [Counter; 4] = [
    Counter::M1Replied,
    Counter::M2Replied,
    Counter::M3Replied,
    Counter::M4Replied,
];

fn sequence_index(number: Option<i32>) -> Option<usize> {
    number.filter(|n| (1..=4).contains(n)).map(|n| n as usize - 1)
}

pub(super) async fn record_message(
    txn: &DatabaseTransaction,
    state: &mut LeadState,
    deltas: &mut Deltas,
    messages: &mut Vec<setter_message::Model>,
    replied_stored: &mut Vec<(Uuid, DateTime<Utc>)>,
    workspace_id: Uuid,
    m: Message,
) -> Result<(), AppError> {
    let day = time::paris_day(m.at);
    let lead = &mut state.model;
    lead.last_contact_at = Some(lead.last_contact_at.map_or(m.at, |t| t.max(m.at)));
    state.dirty = true;
    let row = setter_message::Model {
        id: Uuid::now_v7(),
        workspace_id,
        setter_lead_id: lead.id,
        external_id: m.external_id,
        direction: if m.outgoing { "out" } else { "in" }.into(),
        number: m.number,
        text: m.text,
        sent_at: m.at,
        replied_at: None,
    };
    if m.outgoing {
        lead.msgs_out += 1;
        deltas.add(day, Counter::MsgOut, 1);
        if let Some(i) = sequence_index(m.number) {
            deltas.add(day, SENT[i], 1);
        }
        state.outs.push(OutRef {
            sent_at: m.at,
            number: m.number,
            replied: false,
            stored: None,
            pending: Some(messages.len()),
        });
        messages.push(row);
        return Ok(());
    }
    lead.msgs_in += 1;
    deltas.add(day, Counter::MsgIn, 1);
    let hour = m.at.with_timezone(&Paris).hour();
    deltas.add(day, reply_hour(hour), 1);
    // The message this one answers: the latest one sent to the prospect before it.
    let lead_id = lead.id;
    let mut best = latest_before(&state.outs, m.at);
    if best.is_none() || !state.outs_loaded {
        if let Some(stored) = stored_out_before(txn, lead_id, m.at).await?
            && best.is_none_or(|i| state.outs[i].sent_at < stored.sent_at)
        {
            state.outs.push(stored);
            best = Some(state.outs.len() - 1);
        }
        state.outs_loaded = best.is_some();
    }
    if let Some(i) = best {
        let o = &mut state.outs[i];
        if !o.replied {
            o.replied = true;
            if let Some(k) = sequence_index(o.number) {
                deltas.add(time::paris_day(o.sent_at), REPLIED[k], 1);
            }
            match (o.pending, o.stored) {
                (Some(p), _) => messages[p].replied_at = Some(m.at),
                (None, Some(id)) => replied_stored.push((id, m.at)),
                _ => {}
            }
        }
    }
    messages.push(row);
    Ok(())
}

fn latest_before(outs: &[OutRef], at: DateTime<Utc>) -> Option<usize> {
    outs.iter()
        .enumerate()
        .filter(|(_, o)| o.sent_at <= at)
        .max_by_key(|(_, o)| o.sent_at)
        .map(|(i, _)| i)
}

async fn stored_out_before(
    txn: &DatabaseTransaction,
    lead_id: Uuid,
    at: DateTime<Utc>,
) -> Result<Option<OutRef>, AppError> {
    let row = setter_message::Entity::find()
        .filter(setter_message::Column::SetterLeadId.eq(lead_id))
        .filter(setter_message::Column::Direction.eq("out"))
        .filter(setter_message::Column::SentAt.lte(at))
        .order_by_desc(setter_message::Column::SentAt)
        .one(txn)
        .await?;
    Ok(row.map(|r| OutRef {
        sent_at: r.sent_at,
        number: r.number,
        replied: r.replied_at.is_some(),
        stored: Some(r.id),
        pending: None,
    }))
}

fn minutes_between(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    (to - from).num_minutes().max(0)
}

fn lost_reason(reason: &Option<String>) -> &str {
    reason.as_deref().unwrap_or("Non précisée")
}

pub(super) fn change_status(
    state: &mut LeadState,
    deltas: &mut Deltas,
    link: Option<&PipelineLink>,
    s: &StatusChange,
    now: DateTime<Utc>,
) -> Option<(Uuid, DealMove)> {
    let m = &mut state.model;
    state.dirty = true;
    let old = SetterStatus::parse(&m.status).unwrap_or(SetterStatus::New);
    let cohort_day = time::paris_day(m.created_at);
    // The current status is the latest reported; a late report of an older
    // change still counts for the funnel but does not replace it.
    let newer = m.status_changed_at.is_none_or(|t| s.at >= t);
    if newer {
        if old != s.status {
            deltas.add(cohort_day, status_counter(old), -1);
            deltas.add(cohort_day, status_counter(s.status), 1);
            m.status = s.status.key().into();
        }
        m.status_changed_at = Some(s.at);
    }
    // Each step counts once, on the day it was first reached; a late report
    // of an earlier time moves the count (and its figures) to that day.
    let day = time::paris_day(s.at);
    let rank = s.status.funnel_rank().unwrap_or(0);
    let created_at = m.created_at;
    let steps: [(u8, Counter, &mut Option<DateTime<Utc>>); 3] = [
        (1, Counter::Qualified, &mut m.qualified_at),
        (2, Counter::CallsProposed, &mut m.call_proposed_at),
        (3, Counter::CallsBooked, &mut m.call_booked_at),
    ];
    for (r, counter, reached) in steps {
        if rank < r || reached.is_some_and(|t| t <= s.at) {
            continue;
        }
        if let Some(prev) = reached.replace(s.at) {
            deltas.add(time::paris_day(prev), counter, -1);
            if r == 3 {
                deltas.add(
                    time::paris_day(prev),
                    Counter::TtaSumMinutes,
                    -minutes_between(created_at, prev),
                );
                deltas.add(time::paris_day(prev), Counter::TtaCount, -1);
            }
        }
        deltas.add(day, counter, 1);
        if r == 3 {
            deltas.add(day, Counter::TtaSumMinutes, minutes_between(created_at, s.at));
            deltas.add(day, Counter::TtaCount, 1);
        }
    }
    if s.status == SetterStatus::Won && m.won_at.is_none_or(|t| s.at < t) {
        if let Some(prev) = m.won_at {
            deltas.add(time::paris_day(prev), Counter::Won, -1);
            deltas.add(
                time::paris_day(prev),
                Counter::RevenueCents,
                -m.deal_value_cents.unwrap_or(0),
            );
        }
        m.won_at = Some(s.at);
        m.deal_value_cents = s.deal_value_cents;
        deltas.add(day, Counter::Won, 1);
        deltas.add(day, Counter::RevenueCents, s.deal_value_cents.unwrap_or(0));
    }
    if s.status == SetterStatus::Lost && m.lost_at.is_none_or(|t| s.at < t) {
        if let Some(prev) = m.lost_at {
            deltas.add(time::paris_day(prev), Counter::Lost, -1);
            deltas.dim(time::paris_day(prev), Dim::LostReason, lost_reason(&m.lost_reason), -1);
        }
        m.lost_at = Some(s.at);
        m.lost_reason = s.reason.clone();
        deltas.add(day, Counter::Lost, 1);
        deltas.dim(day, Dim::LostReason, lost_reason(&s.reason), 1);
    }
    m.updated_at = now;
    if !newer {
        return None;
    }
    let deal_id = m.deal_id?;
    let mv = link?.move_for(s.status, s.at, s.deal_value_cents, s.reason.clone())?;
    Some((deal_id, mv))
}
