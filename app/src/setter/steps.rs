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
use sea_orm::{ColumnTrait, Condition, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

pub(super) struct LeadState {
    pub model: setter_lead::Model,
    pub created: bool,
    pub dirty: bool,
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
fn demographics(d: &mut Deltas, m: &setter_lead::Model, sign: i64) {
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
        demographics(deltas, &state.model, -1);
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
        demographics(deltas, &state.model, 1);
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
        won_value_at: None,
    };
    let day = time::paris_day(model.created_at);
    deltas.add(day, Counter::LeadsNew, 1);
    deltas.add(day, Counter::StNew, 1);
    demographics(deltas, &model, 1);
    out.leads_created += 1;
    leads.insert(
        l.instagram_id,
        LeadState {
            model,
            created: true,
            dirty: false,
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

/// Records a message (its reply credit is settled for the whole batch by
/// [`attribute_replies`]).
pub(super) fn record_message(
    state: &mut LeadState,
    deltas: &mut Deltas,
    messages: &mut Vec<setter_message::Model>,
    workspace_id: Uuid,
    m: Message,
) {
    let day = time::paris_day(m.at);
    let lead = &mut state.model;
    lead.last_contact_at = Some(lead.last_contact_at.map_or(m.at, |t| t.max(m.at)));
    state.dirty = true;
    if m.outgoing {
        lead.msgs_out += 1;
        deltas.add(day, Counter::MsgOut, 1);
        if let Some(i) = sequence_index(m.number) {
            deltas.add(day, SENT[i], 1);
        }
    } else {
        lead.msgs_in += 1;
        deltas.add(day, Counter::MsgIn, 1);
        deltas.add(day, reply_hour(m.at.with_timezone(&Paris).hour()), 1);
    }
    messages.push(setter_message::Model {
        id: Uuid::now_v7(),
        workspace_id,
        setter_lead_id: lead.id,
        external_id: m.external_id,
        direction: if m.outgoing { "out" } else { "in" }.into(),
        number: m.number,
        text: m.text,
        sent_at: m.at,
        replied_at: None,
    });
}

/// A message of one prospect, stored before this batch or new in it.
struct Dm {
    at: DateTime<Utc>,
    outgoing: bool,
    external_id: String,
    number: Option<i32>,
    /// Stored: its id and the reply time recorded so far.
    stored: Option<(Uuid, Option<DateTime<Utc>>)>,
    /// New in this batch: its index in `messages`.
    pending: Option<usize>,
}

/// Which outgoing message each reply answers, by time and not by arrival: a
/// reply answers the latest message sent at or before it (ties between
/// messages sent at the same instant go to the greater external id). For every
/// prospect that got a message in this batch, the credit is recomputed over
/// all its messages, so a message that arrives late (an n8n retry, a batch out
/// of order) takes the credit from the one that held it. Changes the `replied`
/// counters of the days the messages were sent, sets `replied_at` on the new
/// rows, and returns the stored rows whose `replied_at` changes.
pub(super) async fn attribute_replies(
    txn: &DatabaseTransaction,
    messages: &mut [setter_message::Model],
    created: &HashSet<Uuid>,
    deltas: &mut Deltas,
) -> Result<Vec<(Uuid, Option<DateTime<Utc>>)>, AppError> {
    let mut by_lead: HashMap<Uuid, Vec<Dm>> = HashMap::new();
    for (i, m) in messages.iter().enumerate() {
        by_lead.entry(m.setter_lead_id).or_default().push(Dm {
            at: m.sent_at,
            outgoing: m.direction == "out",
            external_id: m.external_id.clone(),
            number: m.number,
            stored: None,
            pending: Some(i),
        });
    }
    // What a new message can change: the credit of the latest outgoing
    // message stored at or before the prospect's earliest new message (its
    // anchor) and of everything after it. Only that window is loaded, not the
    // prospect's whole history.
    let stored_leads: Vec<(Uuid, DateTime<Utc>)> = by_lead
        .iter()
        .filter(|(id, _)| !created.contains(id))
        .filter_map(|(id, dms)| dms.iter().map(|dm| dm.at).min().map(|t0| (*id, t0)))
        .collect();
    for chunk in stored_leads.chunks(300) {
        let anchors: Vec<(Uuid, Option<DateTime<Utc>>)> = setter_message::Entity::find()
            .select_only()
            .column(setter_message::Column::SetterLeadId)
            .column_as(setter_message::Column::SentAt.max(), "anchor")
            .filter(setter_message::Column::Direction.eq("out"))
            .filter(chunk.iter().fold(Condition::any(), |any, (lead, t0)| {
                any.add(
                    Condition::all()
                        .add(setter_message::Column::SetterLeadId.eq(*lead))
                        .add(setter_message::Column::SentAt.lte(*t0)),
                )
            }))
            .group_by(setter_message::Column::SetterLeadId)
            .into_tuple()
            .all(txn)
            .await?;
        let anchors: HashMap<Uuid, DateTime<Utc>> = anchors
            .into_iter()
            .filter_map(|(lead, at)| at.map(|at| (lead, at)))
            .collect();
        type Row = (
            Uuid,
            Uuid,
            String,
            String,
            Option<i32>,
            DateTime<Utc>,
            Option<DateTime<Utc>>,
        );
        let rows: Vec<Row> = setter_message::Entity::find()
            .select_only()
            .columns([
                setter_message::Column::Id,
                setter_message::Column::SetterLeadId,
                setter_message::Column::ExternalId,
                setter_message::Column::Direction,
                setter_message::Column::Number,
                setter_message::Column::SentAt,
                setter_message::Column::RepliedAt,
            ])
            .filter(chunk.iter().fold(Condition::any(), |any, (lead, t0)| {
                let from = anchors.get(lead).copied().unwrap_or(*t0);
                any.add(
                    Condition::all()
                        .add(setter_message::Column::SetterLeadId.eq(*lead))
                        .add(setter_message::Column::SentAt.gte(from)),
                )
            }))
            .into_tuple()
            .all(txn)
            .await?;
        for (id, lead_id, external_id, direction, number, at, replied_at) in rows {
            by_lead.entry(lead_id).or_default().push(Dm {
                at,
                outgoing: direction == "out",
                external_id,
                number,
                stored: Some((id, replied_at)),
                pending: None,
            });
        }
    }
    let mut updates = Vec::new();
    for dms in by_lead.values_mut() {
        for (dm, replied_at) in credit(dms) {
            let old = dm.stored.and_then(|(_, r)| r);
            if old.is_some() != replied_at.is_some()
                && let Some(k) = sequence_index(dm.number)
            {
                let sign = if replied_at.is_some() { 1 } else { -1 };
                deltas.add(time::paris_day(dm.at), REPLIED[k], sign);
            }
            match (dm.stored, dm.pending) {
                (Some((id, _)), _) if old != replied_at => updates.push((id, replied_at)),
                (None, Some(i)) => messages[i].replied_at = replied_at,
                _ => {}
            }
        }
    }
    Ok(updates)
}

/// Every outgoing message of one prospect with the time of the first reply
/// that answers it (`None`: unanswered).
fn credit(dms: &mut [Dm]) -> Vec<(&Dm, Option<DateTime<Utc>>)> {
    // Time order; at the same instant the outgoing message comes first (a
    // reply at the instant a message is sent answers it).
    dms.sort_by(|a, b| (a.at, !a.outgoing, &a.external_id).cmp(&(b.at, !b.outgoing, &b.external_id)));
    let mut first_reply: Vec<Option<DateTime<Utc>>> = vec![None; dms.len()];
    let mut latest_out: Option<usize> = None;
    for (i, dm) in dms.iter().enumerate() {
        if dm.outgoing {
            latest_out = Some(i);
        } else if let Some(o) = latest_out {
            first_reply[o].get_or_insert(dm.at);
        }
    }
    dms.iter().zip(first_reply).filter(|(dm, _)| dm.outgoing).collect()
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
    let steps: [(u8, Counter, Counter, &mut Option<DateTime<Utc>>); 3] = [
        (1, Counter::Qualified, Counter::CohortQualified, &mut m.qualified_at),
        (
            2,
            Counter::CallsProposed,
            Counter::CohortCallProposed,
            &mut m.call_proposed_at,
        ),
        (
            3,
            Counter::CallsBooked,
            Counter::CohortCallBooked,
            &mut m.call_booked_at,
        ),
    ];
    for (r, counter, cohort_counter, reached) in steps {
        if rank < r || reached.is_some_and(|t| t <= s.at) {
            continue;
        }
        match reached.replace(s.at) {
            Some(prev) => {
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
            // First time this prospect reaches the step: its cohort counts it.
            None => deltas.add(cohort_day, cohort_counter, 1),
        }
        deltas.add(day, counter, 1);
        if r == 3 {
            deltas.add(day, Counter::TtaSumMinutes, minutes_between(created_at, s.at));
            deltas.add(day, Counter::TtaCount, 1);
        }
    }
    if s.status == SetterStatus::Won {
        // A win counts on the day of its earliest report (by event time);
        // its value is the latest
        // reported (a corrected value replaces the first one).
        match m.won_at {
            Some(prev) => {
                deltas.add(time::paris_day(prev), Counter::Won, -1);
                deltas.add(
                    time::paris_day(prev),
                    Counter::RevenueCents,
                    -m.deal_value_cents.unwrap_or(0),
                );
            }
            None => deltas.add(cohort_day, Counter::CohortWon, 1),
        }
        if m.won_at.is_none_or(|t| s.at < t) {
            m.won_at = Some(s.at);
        }
        if m.won_value_at.is_none_or(|t| s.at >= t) {
            m.won_value_at = Some(s.at);
            m.deal_value_cents = s.deal_value_cents;
        }
        let won_day = m.won_at.map_or(day, time::paris_day);
        deltas.add(won_day, Counter::Won, 1);
        deltas.add(won_day, Counter::RevenueCents, m.deal_value_cents.unwrap_or(0));
    }
    if s.status == SetterStatus::Lost && m.lost_at.is_none_or(|t| s.at < t) {
        match m.lost_at {
            Some(prev) => {
                deltas.add(time::paris_day(prev), Counter::Lost, -1);
                deltas.dim(time::paris_day(prev), Dim::LostReason, lost_reason(&m.lost_reason), -1);
            }
            None => deltas.add(cohort_day, Counter::CohortLost, 1),
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn dm(minute: u32, outgoing: bool, id: &str) -> Dm {
        Dm {
            at: Utc.with_ymd_and_hms(2026, 11, 30, 10, minute, 0).unwrap(),
            outgoing,
            external_id: id.into(),
            number: None,
            stored: None,
            pending: None,
        }
    }

    fn credited(dms: &mut [Dm]) -> Vec<(String, Option<u32>)> {
        use chrono::Timelike;
        let mut out: Vec<(String, Option<u32>)> = credit(dms)
            .into_iter()
            .map(|(d, r)| (d.external_id.clone(), r.map(|t| t.minute())))
            .collect();
        out.sort();
        out
    }

    #[test]
    fn a_reply_answers_the_latest_message_sent_at_or_before_it() {
        // m1 at :00, m2 at :10, replies at :05 and :20 (and :25): each message
        // gets its first reply, whatever order they are listed in.
        let mut dms = vec![
            dm(20, false, "r2"),
            dm(10, true, "m2"),
            dm(5, false, "r1"),
            dm(0, true, "m1"),
            dm(25, false, "r3"),
        ];
        assert_eq!(
            credited(&mut dms),
            vec![("m1".into(), Some(5)), ("m2".into(), Some(20))]
        );
        // A reply at the instant a message is sent answers it.
        let mut dms = vec![dm(10, false, "r"), dm(10, true, "m2"), dm(0, true, "m1")];
        assert_eq!(credited(&mut dms), vec![("m1".into(), None), ("m2".into(), Some(10))]);
        // Two messages sent at the same instant: the greater external id is the latest.
        let mut dms = vec![dm(10, true, "b"), dm(12, false, "r"), dm(10, true, "a")];
        assert_eq!(credited(&mut dms), vec![("a".into(), None), ("b".into(), Some(12))]);
        // A reply before any message answers nothing.
        let mut dms = vec![dm(1, false, "r"), dm(2, true, "m")];
        assert_eq!(credited(&mut dms), vec![("m".into(), None)]);
    }
}
