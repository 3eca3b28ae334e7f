//! Captures from the field, applied once. A device makes the capture's id;
//! the first arrival is recorded in `field_captures` with what it did, and
//! any replay of that id answers the same without touching the job. A step
//! validated on two devices: the first wins (a compare-and-set on the step),
//! the second is kept as superseded and shown as such.

use super::{CaptureKind, CaptureOutcome, CaptureResult, StepValidation, StepView};
use crate::audit::{EventAction, EventEntity};
use crate::domain::jobs::{JobStatus, StepState, order_problem};
use crate::domain::{DomainEvent, JobId, JobStepId};
use crate::error::AppError;
use crate::infra::entity::{field_capture, job_step};
use crate::infra::{Audit, Scope, Write, time};
use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, SqlErr};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// Validates a step (or answers a replay of the same capture).
pub async fn validate_step(w: &Write, scope: &Scope, v: &StepValidation) -> Result<CaptureResult, AppError> {
    let ws = scope.workspace_id.0;
    let now = time::now();
    if let Some(seen) = field_capture::Entity::find_by_id((ws, v.capture.0)).one(w).await? {
        if seen.kind != CaptureKind::StepValidation || seen.target_id != Some(v.step.0) || seen.job_id != v.job.0 {
            return Err(AppError::field(
                "capture",
                "Cet identifiant de saisie a déjà servi pour autre chose : rechargez la page.",
            ));
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
    let (outcome, message) = if job.status.is_closed() {
        (
            CaptureOutcome::Refused,
            format!(
                "Le chantier est {} : rouvrez-le pour valider une étape.",
                job.status.label().to_lowercase()
            ),
        )
    } else {
        match order_problem(&states, index) {
            Some(crate::domain::jobs::OrderProblem::AlreadyDone) => (
                CaptureOutcome::Superseded,
                superseded_message(w, ws, &steps[index]).await?,
            ),
            Some(problem) => (CaptureOutcome::Refused, problem.message().to_string()),
            None => {
                // One winner when two devices validate at once.
                let taken = job_step::Entity::update_many()
                    .col_expr(job_step::Column::ValidatedAt, Expr::value(now))
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
    let captured_at = plausible(v.captured_at, now);
    let record = field_capture::ActiveModel {
        workspace_id: Set(ws),
        id: Set(v.capture.0),
        job_id: Set(job.id),
        member_id: Set(Some(scope.member_id.0)),
        kind: Set(CaptureKind::StepValidation),
        target_id: Set(Some(step.id)),
        captured_at: Set(captured_at),
        received_at: Set(now),
        outcome: Set(outcome),
        message: Set(message.clone()),
    };
    if let Err(e) = field_capture::Entity::insert(record).exec_without_returning(w).await {
        // The same capture arriving twice at once: the other one recorded it;
        // the device retries and gets the recorded answer.
        return Err(match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => AppError::Conflict("Saisie déjà en cours d'envoi.".into()),
            _ => e.into(),
        });
    }
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

/// The device's clock, unless it is in the future or older than a month
/// (a wrong clock): then the server's.
fn plausible(captured_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> DateTime<Utc> {
    captured_at
        .filter(|at| *at <= now + TimeDelta::minutes(5) && *at >= now - TimeDelta::days(31))
        .unwrap_or(now)
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
    Ok(step_view(step, &names))
}

/// A step as the page shows it, with the workspace's member names at hand.
pub fn step_view(step: job_step::Model, names: &HashMap<Uuid, String>) -> StepView {
    StepView {
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
