//! The jobs list: today / this week / all, a status, mine, a search; pages
//! of 30, each row with its steps' progress and its people (three queries
//! whatever the page holds).

use super::{JobFilter, JobList, JobRow};
use crate::domain::JobId;
use crate::domain::jobs::{JobStatus, in_window};
use crate::error::AppError;
use crate::infra::entity::{job, job_assignee, job_step, lead};
use crate::infra::{Scope, time};
use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use std::collections::HashMap;
use uuid::Uuid;

/// Rows per page.
pub const PER_PAGE: u64 = 30;

/// Characters of the search kept.
const MAX_SEARCH: usize = 100;

/// A page of the caller's workspace's jobs.
pub async fn list(db: &impl ConnectionTrait, scope: &Scope, filter: &JobFilter) -> Result<JobList, AppError> {
    let ws = scope.workspace_id.0;
    let today = time::paris_day(time::now());
    let mut cond = Condition::all().add(job::Column::WorkspaceId.eq(ws));
    if let Some(status) = filter.status {
        cond = cond.add(job::Column::Status.eq(status));
    }
    if let Some(last) = filter.period.last_day(today) {
        cond = cond.add(window(last));
    }
    if filter.mine {
        let mine = Query::select()
            .column(job_assignee::Column::JobId)
            .from(job_assignee::Entity)
            .and_where(Expr::col(job_assignee::Column::WorkspaceId).eq(ws))
            .and_where(Expr::col(job_assignee::Column::MemberId).eq(scope.member_id.0))
            .to_owned();
        cond = cond.add(job::Column::Id.in_subquery(mine));
    }
    let search: String = filter.search.trim().to_lowercase().chars().take(MAX_SEARCH).collect();
    if !search.is_empty() {
        let pattern = crate::infra::db::like_contains(&search);
        let lower = |e: Expr| Expr::expr(Func::lower(e)).like(pattern.clone());
        let by_place = Query::select()
            .column(lead::Column::Id)
            .from(lead::Entity)
            .and_where(Expr::col(lead::Column::WorkspaceId).eq(ws))
            .cond_where(
                Condition::any()
                    .add(lower(Expr::col(lead::Column::City)))
                    .add(lower(Expr::col(lead::Column::ContactName)))
                    .add(Expr::col(lead::Column::Postcode).like(pattern.clone())),
            )
            .to_owned();
        cond = cond.add(
            Condition::any()
                .add(lower(Expr::col(job::Column::Title)))
                .add(job::Column::LeadId.in_subquery(by_place)),
        );
    }
    let page = filter.page.unwrap_or_default();
    let total = job::Entity::find().filter(cond.clone()).count(db).await?;
    let jobs = job::Entity::find()
        .filter(cond)
        .order_by_asc(Expr::col(job::Column::PlannedStart).is_null())
        .order_by_asc(job::Column::PlannedStart)
        .order_by_asc(job::Column::Id)
        .offset(page.rows(PER_PAGE))
        .limit(PER_PAGE)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = jobs.iter().map(|j| j.id).collect();
    let progress = progress_of(db, ws, &ids).await?;
    let people = assignees_of(db, ws, &ids).await?;
    let cities: HashMap<Uuid, String> = lead::Entity::find()
        .filter(lead::Column::WorkspaceId.eq(ws))
        .filter(lead::Column::Id.is_in(jobs.iter().map(|j| j.lead_id).collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.id, l.city.unwrap_or_default()))
        .collect();
    let rows = jobs
        .into_iter()
        .map(|j| {
            let (done, total) = progress.get(&j.id).copied().unwrap_or((0, 0));
            debug_assert!(
                filter
                    .period
                    .last_day(today)
                    .is_none_or(|l| in_window(j.status, j.planned_start, l))
            );
            JobRow {
                id: JobId(j.id),
                title: j.title,
                status: j.status,
                priority: j.priority,
                city: cities.get(&j.lead_id).cloned().unwrap_or_default(),
                planned_start: j.planned_start.map(day),
                promised_on: j.promised_on.map(day),
                steps_done: done,
                steps_total: total,
                assignees: people.get(&j.id).cloned().unwrap_or_default(),
            }
        })
        .collect();
    Ok(JobList {
        rows,
        total,
        page: page.get(),
        per_page: PER_PAGE,
    })
}

/// `domain::jobs::in_window` as a condition.
fn window(last_day: NaiveDate) -> Condition {
    Condition::any().add(job::Column::Status.eq(JobStatus::InProgress)).add(
        Condition::all()
            .add(job::Column::Status.is_in([JobStatus::Planned, JobStatus::Paused]))
            .add(job::Column::PlannedStart.lte(last_day)),
    )
}

/// « 01/12/2026 ».
pub fn day(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

#[derive(FromQueryResult)]
struct Progress {
    job_id: Uuid,
    total: i64,
    done: i64,
}

/// (validated, all) steps per job.
async fn progress_of(db: &impl ConnectionTrait, ws: Uuid, ids: &[Uuid]) -> Result<HashMap<Uuid, (u32, u32)>, AppError> {
    let rows = job_step::Entity::find()
        .select_only()
        .column(job_step::Column::JobId)
        .column_as(Expr::col(job_step::Column::Id).count(), "total")
        .column_as(Expr::col(job_step::Column::ValidatedAt).count(), "done")
        .filter(job_step::Column::WorkspaceId.eq(ws))
        .filter(job_step::Column::JobId.is_in(ids.to_vec()))
        .group_by(job_step::Column::JobId)
        .into_model::<Progress>()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|p| (p.job_id, (p.done as u32, p.total as u32)))
        .collect())
}

/// Names of the people on each job.
pub async fn assignees_of(
    db: &impl ConnectionTrait,
    ws: Uuid,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<String>>, AppError> {
    let names = crate::pipeline::board::member_names(db, ws).await?;
    let mut out: HashMap<Uuid, Vec<String>> = HashMap::new();
    for a in job_assignee::Entity::find()
        .filter(job_assignee::Column::WorkspaceId.eq(ws))
        .filter(job_assignee::Column::JobId.is_in(ids.to_vec()))
        .all(db)
        .await?
    {
        if let Some(name) = names.get(&a.member_id) {
            out.entry(a.job_id).or_default().push(name.clone());
        }
    }
    for v in out.values_mut() {
        v.sort();
    }
    Ok(out)
}
