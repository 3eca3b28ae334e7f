//! A job's planning: its days (first, last, promised), priority and people.

use super::JobPlanning;
use crate::audit::{EventAction, EventEntity};
use crate::domain::jobs::planning_problem;
use crate::domain::{DomainEvent, JobId};
use crate::error::AppError;
use crate::infra::entity::{job, job_assignee, member};
use crate::infra::{Audit, Scope, Write};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use std::collections::BTreeSet;
use uuid::Uuid;

/// People a job may have.
const MAX_ASSIGNEES: usize = 20;

/// Saves a job's planning (the whole of it: the form sends every field).
pub async fn plan(w: &Write, scope: &Scope, p: &JobPlanning) -> Result<(), AppError> {
    let ws = scope.workspace_id.0;
    let job = job::Entity::find_by_id(p.job.0)
        .filter(job::Column::WorkspaceId.eq(ws))
        .one(w)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Some((field, message)) = planning_problem(p.planned_start, p.planned_end, p.promised_on) {
        return Err(AppError::field(field, message));
    }
    let people: BTreeSet<Uuid> = p.assignees.iter().map(|m| m.0).collect();
    if people.len() > MAX_ASSIGNEES {
        return Err(AppError::field(
            "assignees",
            format!("{MAX_ASSIGNEES} personnes au plus."),
        ));
    }
    let known = member::Entity::find()
        .filter(member::Column::WorkspaceId.eq(ws))
        .filter(member::Column::Id.is_in(people.iter().copied().collect::<Vec<_>>()))
        .count(w)
        .await?;
    if known != people.len() as u64 {
        // Someone of another workspace (or gone): as if the job did not exist.
        return Err(AppError::NotFound);
    }
    let before: BTreeSet<Uuid> = job_assignee::Entity::find()
        .filter(job_assignee::Column::WorkspaceId.eq(ws))
        .filter(job_assignee::Column::JobId.eq(job.id))
        .all(w)
        .await?
        .into_iter()
        .map(|a| a.member_id)
        .collect();
    job::Entity::update_many()
        .col_expr(job::Column::PlannedStart, Expr::value(p.planned_start))
        .col_expr(job::Column::PlannedEnd, Expr::value(p.planned_end))
        .col_expr(job::Column::PromisedOn, Expr::value(p.promised_on))
        .col_expr(job::Column::Priority, Expr::value(p.priority))
        .filter(job::Column::Id.eq(job.id))
        .filter(job::Column::WorkspaceId.eq(ws))
        .exec(w)
        .await?;
    if before != people {
        job_assignee::Entity::delete_many()
            .filter(job_assignee::Column::WorkspaceId.eq(ws))
            .filter(job_assignee::Column::JobId.eq(job.id))
            .exec(w)
            .await?;
        if !people.is_empty() {
            job_assignee::Entity::insert_many(people.iter().map(|m| job_assignee::ActiveModel {
                workspace_id: Set(ws),
                job_id: Set(job.id),
                member_id: Set(*m),
            }))
            .exec_without_returning(w)
            .await?;
        }
    }
    w.audit(
        Audit::of(EventEntity::Job, Some(job.id), EventAction::JobPlanned)
            .before(json!({
                "planned_start": job.planned_start, "planned_end": job.planned_end,
                "promised_on": job.promised_on, "priority": job.priority.as_str(), "assignees": before,
            }))
            .after(json!({
                "planned_start": p.planned_start, "planned_end": p.planned_end,
                "promised_on": p.promised_on, "priority": p.priority.as_str(), "assignees": people,
            })),
    )
    .await?;
    w.emit(DomainEvent::JobPlanned { job: JobId(job.id) }).await
}
