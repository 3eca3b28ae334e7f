//! The job page: planning, client, signed quote, people, steps and a
//! timeline of the job's, its deal's and its quote's audit events.

use super::captures::step_view;
use super::list::day;
use super::{JobClient, JobDetail, JobPlanning, JobQuote, TeamMember, TimelineEntry};
use crate::audit::EventAction;
use crate::domain::jobs::JobStatus;
use crate::domain::money::format_eur;
use crate::domain::{DealId, JobId, MemberId, QuoteId, Role};
use crate::error::AppError;
use crate::infra::entity::{event, job, job_assignee, job_step, lead, quote};
use crate::infra::{AppState, Scope, time};
use crate::quote::QuoteStatus;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;
use uuid::Uuid;

/// Timeline lines shown.
const TIMELINE: u64 = 100;

/// A job of the caller's workspace.
pub async fn detail(state: &AppState, scope: &Scope, id: JobId) -> Result<JobDetail, AppError> {
    let db = &state.db;
    let ws = scope.workspace_id.0;
    let job = job::Entity::find_by_id(id.0)
        .filter(job::Column::WorkspaceId.eq(ws))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let lead = lead::Entity::find_by_id(job.lead_id)
        .filter(lead::Column::WorkspaceId.eq(ws))
        .one(db)
        .await?;
    let signed = quote::Entity::find()
        .filter(quote::Column::WorkspaceId.eq(ws))
        .filter(quote::Column::DealId.eq(job.deal_id))
        .filter(quote::Column::Status.eq(QuoteStatus::Signed))
        .order_by_desc(quote::Column::Version)
        .one(db)
        .await?;
    let names = crate::pipeline::board::member_names(db, ws).await?;
    let step_rows = job_step::Entity::find()
        .filter(job_step::Column::WorkspaceId.eq(ws))
        .filter(job_step::Column::JobId.eq(job.id))
        .order_by_asc(job_step::Column::Position)
        .all(db)
        .await?;
    let step_names: HashMap<Uuid, String> = step_rows.iter().map(|s| (s.id, s.name.clone())).collect();
    let mut checks = super::checks::rows_of_job(db, ws, job.id).await?;
    let photo_counts = super::captures::photo_counts(db, ws, job.id).await?;
    let steps = step_rows
        .into_iter()
        .map(|s| {
            let (c, p) = (
                checks.remove(&s.id).unwrap_or_default(),
                photo_counts.get(&s.id).copied().unwrap_or(0),
            );
            step_view(s, &names, c, p)
        })
        .collect();
    let nonconformities = super::checks::nonconformities_of(db, ws, job.id, &names, &step_names).await?;
    let mut about: Vec<Uuid> = vec![job.id, job.deal_id];
    about.extend(signed.as_ref().map(|q| q.id));
    let timeline = event::Entity::find()
        .filter(event::Column::WorkspaceId.eq(ws))
        .filter(event::Column::EntityId.is_in(about))
        .order_by_desc(event::Column::Seq)
        .limit(TIMELINE)
        .all(db)
        .await?
        .into_iter()
        .map(|e| TimelineEntry {
            at: time::display(e.occurred_at),
            what: describe(&e),
            actor: e.actor_label,
        })
        .collect();
    let client = match (&lead, &signed) {
        (_, Some(q)) => JobClient {
            name: q.client_name.clone(),
            phone: q.client_phone.clone(),
            email: q.client_email.clone(),
            address: place(&q.site_address, &q.site_postcode, &q.site_city)
                .or_else(|| place(&q.client_address, &q.client_postcode, &q.client_city))
                .unwrap_or_default(),
        },
        (Some(l), None) => JobClient {
            name: l.contact_name.clone(),
            phone: l.phone.clone().unwrap_or_default(),
            email: l.email.clone().unwrap_or_default(),
            address: place(
                l.address.as_deref().unwrap_or_default(),
                l.postcode.as_deref().unwrap_or_default(),
                l.city.as_deref().unwrap_or_default(),
            )
            .unwrap_or_default(),
        },
        (None, None) => JobClient::default(),
    };
    let can_work = Role::can_work_jobs(scope.role);
    let on_it: Vec<MemberId> = job_assignee::Entity::find()
        .filter(job_assignee::Column::WorkspaceId.eq(ws))
        .filter(job_assignee::Column::JobId.eq(job.id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| MemberId(a.member_id))
        .collect();
    let mut team: Vec<TeamMember> = names
        .iter()
        .map(|(id, name)| TeamMember {
            id: MemberId(*id),
            name: name.clone(),
        })
        .collect();
    team.sort_by(|a, b| a.name.cmp(&b.name));
    let assignees = {
        let mut v: Vec<String> = on_it.iter().filter_map(|m| names.get(&m.0).cloned()).collect();
        v.sort();
        v
    };
    Ok(JobDetail {
        id: JobId(job.id),
        title: job.title,
        moves: if can_work {
            JobStatus::ALL
                .into_iter()
                .filter(|to| job.status.can_move_to(*to))
                .collect()
        } else {
            Vec::new()
        },
        status: job.status,
        priority: job.priority,
        planned_start: job.planned_start.map(day),
        planned_end: job.planned_end.map(day),
        promised_on: job.promised_on.map(day),
        started_at: job.started_at.map(time::display),
        finished_at: job.finished_at.map(time::display),
        client,
        deal: DealId(job.deal_id),
        quote: signed.map(|q| JobQuote {
            id: QuoteId(q.id),
            number: q.number.unwrap_or_default(),
            total: format_eur(q.total_ttc_cents),
        }),
        plan: JobPlanning {
            job: JobId(job.id),
            planned_start: job.planned_start,
            planned_end: job.planned_end,
            promised_on: job.promised_on,
            priority: job.priority,
            assignees: on_it,
        },
        team,
        assignees,
        photos: super::photos::of_job(db, ws, job.id).await?,
        storage: super::photos::usage(db, state, ws).await?,
        steps,
        nonconformities,
        timeline,
        can_work,
    })
}

/// « 12 rue des Lilas, 69003 Lyon », when there is anything.
fn place(street: &str, postcode: &str, city: &str) -> Option<String> {
    let town = format!("{} {}", postcode.trim(), city.trim()).trim().to_string();
    let parts: Vec<&str> = [street.trim(), town.as_str()]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// The French line of an event, with the step's name or the new status.
fn describe(e: &event::Model) -> String {
    let label = EventAction::parse(&e.action)
        .map(|a| a.label())
        .unwrap_or("Modification");
    let after: serde_json::Value = e
        .after_json
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default();
    if let (Some(check), Some(value)) = (
        after.get("check").and_then(|s| s.as_str()),
        after.get("value").and_then(|s| s.as_str()),
    ) {
        return format!("{label} : {check} = {value}");
    }
    if let Some(kind) = after.get("nonconformity").and_then(|s| s.as_str()) {
        return format!("{label} : {kind}");
    }
    if let Some(step) = after.get("step").and_then(|s| s.as_str()) {
        return format!("{label} : {step}");
    }
    if let Some(status) = after.get("status").and_then(|s| s.as_str()).and_then(JobStatus::parse) {
        return format!("{label} : {}", status.label());
    }
    label.to_string()
}
