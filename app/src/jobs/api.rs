//! Server functions of the jobs list and page. Every member reads the
//! workspace's jobs; owners, admins and members validate steps and move
//! jobs (accounting reads).

use super::{
    CaptureAck, CaptureResult, CheckAnswer, CheckResult, JobDetail, JobFilter, JobList, JobPlanning,
    NonConformityCapture, PhotoCapture, PhotoView, StepTemplates, StepValidation,
};
use crate::domain::jobs::JobStatus;
use crate::domain::{JobId, JobPhotoId};
use crate::error::AppError;
use leptos::prelude::*;
use server_fn::codec::Json;

/// A page of jobs.
#[server(endpoint = "fetch_jobs", input = Json)]
pub async fn fetch_jobs(filter: JobFilter) -> Result<JobList, AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    super::list::list(&state.db, &scope, &filter).await
}

/// The job page.
#[server(endpoint = "fetch_job")]
pub async fn fetch_job(id: JobId) -> Result<JobDetail, AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    super::detail::detail(&state, &scope, id).await
}

/// Validates a step; a replay of the same capture id answers the same and
/// changes nothing.
#[server(endpoint = "validate_job_step", input = Json)]
pub async fn validate_job_step(validation: StepValidation) -> Result<CaptureResult, AppError> {
    use crate::domain::Role;
    use crate::infra::{Write, scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    scope.require(Role::can_work_jobs)?;
    let w = Write::scoped(&state, &scope).await?;
    let result = super::captures::validate_step(&w, &scope, &validation).await?;
    w.commit().await?;
    Ok(result)
}

/// Answers a checklist item (a measure out of its bounds is kept with a
/// warning, or refused when the item is strict); a replay of the same
/// capture id answers the same and changes nothing.
#[server(endpoint = "answer_job_check", input = Json)]
pub async fn answer_job_check(answer: CheckAnswer) -> Result<CheckResult, AppError> {
    use crate::domain::Role;
    use crate::infra::{Write, scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    scope.require(Role::can_work_jobs)?;
    let w = Write::scoped(&state, &scope).await?;
    let result = super::checks::answer(&w, &scope, &answer).await?;
    w.commit().await?;
    Ok(result)
}

/// Declares a non-conformity (maybe sending the job back to an earlier
/// step); a replay of the same capture id changes nothing.
#[server(endpoint = "declare_job_nonconformity", input = Json)]
pub async fn declare_job_nonconformity(nonconformity: NonConformityCapture) -> Result<CaptureAck, AppError> {
    use crate::domain::Role;
    use crate::infra::{Write, scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    scope.require(Role::can_work_jobs)?;
    let w = Write::scoped(&state, &scope).await?;
    let ack = super::checks::declare(&w, &scope, &nonconformity).await?;
    w.commit().await?;
    Ok(ack)
}

/// Starts, pauses, finishes, cancels or reopens a job.
#[server(endpoint = "move_job")]
pub async fn move_job(id: JobId, status: JobStatus) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::infra::{Write, scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    scope.require(Role::can_work_jobs)?;
    let w = Write::scoped(&state, &scope).await?;
    super::status::move_job(&w, &scope, id, status).await?;
    w.commit().await
}

/// Saves a job's days, priority and people.
#[server(endpoint = "plan_job", input = Json)]
pub async fn plan_job(planning: JobPlanning) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::infra::{Write, scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    scope.require(Role::can_work_jobs)?;
    let w = Write::scoped(&state, &scope).await?;
    super::plan::plan(&w, &scope, &planning).await?;
    w.commit().await
}

/// Adds a photo (a `data:` URL of a JPEG, PNG or WebP); a replay of the same
/// capture id answers the photo it made.
#[server(endpoint = "add_job_photo", input = Json)]
pub async fn add_job_photo(photo: PhotoCapture) -> Result<PhotoView, AppError> {
    use crate::domain::Role;
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    scope.require(Role::can_work_jobs)?;
    super::photos::add(&state, &scope, &photo).await
}

/// Shows a photo to the client in the portal, or hides it.
#[server(endpoint = "share_job_photo")]
pub async fn share_job_photo(id: JobPhotoId, shareable: bool) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::infra::{Write, scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    scope.require(Role::can_work_jobs)?;
    let w = Write::scoped(&state, &scope).await?;
    super::photos::share(&w, &scope, id, shareable).await?;
    w.commit().await
}

/// The steps new jobs start with (every member reads them).
#[server(endpoint = "fetch_step_templates")]
pub async fn fetch_step_templates() -> Result<StepTemplates, AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    super::templates::fetch(&state.db, &scope).await
}

/// Replaces the steps new jobs start with (owners and admins; empty: the
/// pack's defaults again). Running jobs keep theirs.
#[server(endpoint = "save_step_templates", input = Json)]
pub async fn save_step_templates(steps: Vec<crate::domain::jobs::StepTemplate>) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::infra::{Write, scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    scope.require(Role::can_configure_jobs)?;
    let w = Write::scoped(&state, &scope).await?;
    super::templates::save(&w, &scope, steps).await?;
    w.commit().await
}
