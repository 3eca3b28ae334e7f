//! Captures from the field, applied once. A device makes the capture's id;
//! the first arrival is recorded in `field_captures` with what it did, and
//! any replay of that id answers the same without touching the job. A step
//! validated on two devices: the first wins (a compare-and-set on the step),
//! the second is kept as superseded and shown as such.

use super::{CaptureKind, CaptureOutcome, CaptureResult, StepValidation, StepView};
use crate::audit::{EventAction, EventEntity};
use crate::domain::checks::readiness_problem;
use crate::domain::jobs::{JobStatus, StepState, order_problem};
use crate::domain::{DomainEvent, JobId, JobStepId};
use crate::error::AppError;
use crate::infra::entity::{field_capture, job_check, job_photo, job_step};
use crate::infra::{Audit, Scope, Write, time};
use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    SqlErr,
};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// Validates a step (or answers a replay of the same capture).
pub async fn validate_step(w: &Write, scope: &Scope, v: &StepValidation) -> Result<CaptureResult, AppError> {
    let ws = scope.workspace_id.0;
    let now = time::now();
    if let Some(seen) = field_capture::Entity::find_by_id((ws, v.capture.0)).one(w).await? {
        if seen.kind != CaptureKind::StepValidation || seen.target_id != Some(v.step.0) || seen.job_id != v.job.0 {
            return Err(reused());
        }
        let step = step_of(w, ws, v.job, v.step).await?;
        return Ok(CaptureResult {
            outcome: seen.outcome,
            message: seen.message,
            step: view(w, ws, step).await?,
        });
    }
    // Locked: a job being closed meanwhile waits for this validation (or
    // this one sees it closed), and two validations start a planned job once.
    let job = super::status::locked(w, ws, v.job).await?;
    let steps = job_step::Entity::find()
        .filter(job_step::Column::WorkspaceId.eq(ws))
        .filter(job_step::Column::JobId.eq(job.id))
        .order_by_asc(job_step::Column::Position)
        .all(w)
        .await?;
    let index = steps.iter().position(|s| s.id == v.step.0).ok_or(AppError::NotFound)?;
    let states: Vec<StepState> = steps
        .iter()
        .map(|s| StepState {
            done: s.validated_at.is_some(),
            after_previous: s.after_previous,
        })
        .collect();
    // Done when the device says (an offline validation keeps its hour).
    let captured_at = plausible(v.captured_at, now);
    let (outcome, message) = if job.status.is_closed() {
        (
            CaptureOutcome::Refused,
            format!(
                "Le chantier est {} : rouvrez-le pour valider une étape.",
                job.status.label().to_lowercase()
            ),
        )
    } else {
        let problem = match order_problem(&states, index) {
            None => readiness(w, ws, &steps[index]).await?.map(Err),
            Some(p) => Some(Ok(p)),
        };
        match problem {
            Some(Ok(crate::domain::jobs::OrderProblem::AlreadyDone)) => (
                CaptureOutcome::Superseded,
                superseded_message(w, ws, &steps[index]).await?,
            ),
            Some(Ok(problem)) => (CaptureOutcome::Refused, problem.message().to_string()),
            Some(Err(missing)) => (CaptureOutcome::Refused, missing),
            None => {
                // One winner when two devices validate at once.
                let taken = job_step::Entity::update_many()
                    .col_expr(job_step::Column::ValidatedAt, Expr::value(captured_at))
                    .col_expr(job_step::Column::ValidatedByMemberId, Expr::value(scope.member_id.0))
                    .col_expr(job_step::Column::ValidatedCaptureId, Expr::value(v.capture.0))
                    .filter(job_step::Column::Id.eq(v.step.0))
                    .filter(job_step::Column::WorkspaceId.eq(ws))
                    .filter(job_step::Column::ValidatedAt.is_null())
                    .exec(w)
                    .await?;
                if taken.rows_affected == 1 {
                    (CaptureOutcome::Applied, String::new())
                } else {
                    let fresh = step_of(w, ws, v.job, v.step).await?;
                    (CaptureOutcome::Superseded, superseded_message(w, ws, &fresh).await?)
                }
            }
        }
    };
    let step = &steps[index];
    record(
        w,
        scope,
        Seen {
            id: v.capture.0,
            job: job.id,
            kind: CaptureKind::StepValidation,
            target: Some(step.id),
            captured_at,
            outcome,
            message: &message,
        },
    )
    .await?;
    match outcome {
        CaptureOutcome::Applied => {
            w.audit(
                Audit::of(EventEntity::Job, Some(job.id), EventAction::JobStepValidated).after(json!({
                    "step_id": step.id, "step": step.name, "capture_id": v.capture.0,
                    "captured_at": captured_at, "offline": captured_at < now - TimeDelta::minutes(1),
                })),
            )
            .await?;
            w.emit(DomainEvent::JobStepValidated {
                job: JobId(job.id),
                step: JobStepId(step.id),
            })
            .await?;
            if job.status == JobStatus::Planned {
                super::status::apply(w, &job, JobStatus::InProgress).await?;
            }
        }
        CaptureOutcome::Superseded => {
            w.audit(
                Audit::of(EventEntity::Job, Some(job.id), EventAction::JobStepSuperseded)
                    .after(json!({ "step_id": step.id, "step": step.name, "capture_id": v.capture.0 })),
            )
            .await?;
        }
        CaptureOutcome::Refused => {}
    }
    let step = step_of(w, ws, v.job, v.step).await?;
    Ok(CaptureResult {
        outcome,
        message,
        step: view(w, ws, step).await?,
    })
}

/// A capture as `field_captures` records it.
pub struct Seen<'a> {
    /// Its id, made on the device.
    pub id: Uuid,
    /// The job.
    pub job: Uuid,
    /// What it is.
    pub kind: CaptureKind,
    /// The step, check, photo or non-conformity it was about.
    pub target: Option<Uuid>,
    /// When the device captured it (`plausible`).
    pub captured_at: DateTime<Utc>,
    /// What the server did.
    pub outcome: CaptureOutcome,
    /// Why, or the warning.
    pub message: &'a str,
}

/// Records what the server did with a capture, in the caller's transaction.
pub async fn record(w: &Write, scope: &Scope, seen: Seen<'_>) -> Result<(), AppError> {
    let row = field_capture::ActiveModel {
        workspace_id: Set(scope.workspace_id.0),
        id: Set(seen.id),
        job_id: Set(seen.job),
        member_id: Set(Some(scope.member_id.0)),
        kind: Set(seen.kind),
        target_id: Set(seen.target),
        captured_at: Set(seen.captured_at),
        received_at: Set(time::now()),
        outcome: Set(seen.outcome),
        message: Set(seen.message.to_string()),
    };
    match field_capture::Entity::insert(row).exec_without_returning(w).await {
        Ok(_) => Ok(()),
        // The same capture arriving twice at once: the other one recorded it;
        // the device retries and gets the recorded answer.
        Err(e) => Err(match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => AppError::Conflict("Saisie déjà en cours d'envoi.".into()),
            _ => e.into(),
        }),
    }
}

/// A capture id already used for something else.
pub fn reused() -> AppError {
    AppError::field(
        "capture",
        "Cet identifiant de saisie a déjà servi pour autre chose : rechargez la page.",
    )
}

/// The device's clock, unless it is in the future or older than a month
/// (a wrong clock): then the server's.
pub fn plausible(captured_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> DateTime<Utc> {
    captured_at
        .filter(|at| *at <= now + TimeDelta::minutes(5) && *at >= now - TimeDelta::days(31))
        .unwrap_or(now)
}

/// What the step still needs (its photo, its checklist's answers).
async fn readiness(db: &impl ConnectionTrait, ws: Uuid, step: &job_step::Model) -> Result<Option<String>, AppError> {
    let has_photo = step.requires_photo
        && job_photo::Entity::find()
            .filter(job_photo::Column::WorkspaceId.eq(ws))
            .filter(job_photo::Column::StepId.eq(step.id))
            .count(db)
            .await?
            > 0;
    let checks = job_check::Entity::find()
        .filter(job_check::Column::WorkspaceId.eq(ws))
        .filter(job_check::Column::StepId.eq(step.id))
        .filter(job_check::Column::AnsweredAt.is_null())
        .order_by_asc(job_check::Column::Position)
        .all(db)
        .await?;
    let unanswered: Vec<&str> = checks.iter().map(|c| c.label.as_str()).collect();
    Ok(readiness_problem(step.requires_photo, has_photo, &unanswered))
}

async fn step_of(
    db: &impl ConnectionTrait,
    ws: Uuid,
    job: JobId,
    step: JobStepId,
) -> Result<job_step::Model, AppError> {
    job_step::Entity::find_by_id(step.0)
        .filter(job_step::Column::WorkspaceId.eq(ws))
        .filter(job_step::Column::JobId.eq(job.0))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

async fn superseded_message(db: &impl ConnectionTrait, ws: Uuid, step: &job_step::Model) -> Result<String, AppError> {
    let names = crate::pipeline::board::member_names(db, ws).await?;
    let who = step
        .validated_by_member_id
        .and_then(|m| names.get(&m).cloned())
        .unwrap_or_else(|| "quelqu'un d'autre".into());
    let when = step.validated_at.map(time::display).unwrap_or_default();
    Ok(format!(
        "Déjà validée par {who} le {when} : la première validation est gardée."
    ))
}

/// A step as the page shows it.
pub async fn view(db: &impl ConnectionTrait, ws: Uuid, step: job_step::Model) -> Result<StepView, AppError> {
    let names = crate::pipeline::board::member_names(db, ws).await?;
    let mut checks = super::checks::rows_of_job(db, ws, step.job_id).await?;
    let photos = photo_counts(db, ws, step.job_id).await?;
    Ok(step_view(
        step.clone(),
        &names,
        checks.remove(&step.id).unwrap_or_default(),
        photos.get(&step.id).copied().unwrap_or(0),
    ))
}

/// How many photos each step of a job has.
pub async fn photo_counts(db: &impl ConnectionTrait, ws: Uuid, job: Uuid) -> Result<HashMap<Uuid, u32>, AppError> {
    let mut counts = HashMap::new();
    for step in job_photo::Entity::find()
        .select_only()
        .column(job_photo::Column::StepId)
        .filter(job_photo::Column::WorkspaceId.eq(ws))
        .filter(job_photo::Column::JobId.eq(job))
        .filter(job_photo::Column::StepId.is_not_null())
        .into_tuple::<Option<Uuid>>()
        .all(db)
        .await?
        .into_iter()
        .flatten()
    {
        *counts.entry(step).or_insert(0) += 1;
    }
    Ok(counts)
}

/// A step as the page shows it, with the workspace's member names, its
/// checklist rows and its photo count at hand.
pub fn step_view(
    step: job_step::Model,
    names: &HashMap<Uuid, String>,
    checks: Vec<job_check::Model>,
    photos: u32,
) -> StepView {
    StepView {
        checks: checks.iter().map(|c| super::checks::check_view(c, names)).collect(),
        photos,
        id: JobStepId(step.id),
        name: step.name,
        requires_photo: step.requires_photo,
        after_previous: step.after_previous,
        validated_by: step.validated_by_member_id.and_then(|m| names.get(&m).cloned()),
        validated_at: step.validated_at.map(time::display),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_clock_in_the_future_or_long_ago_is_not_believed() {
        let now = Utc::now();
        assert_eq!(plausible(None, now), now);
        assert_eq!(
            plausible(Some(now - TimeDelta::hours(3)), now),
            now - TimeDelta::hours(3)
        );
        assert_eq!(plausible(Some(now + TimeDelta::hours(1)), now), now);
        assert_eq!(plausible(Some(now - TimeDelta::days(60)), now), now);
    }
}
