//! Quality control on a job: its steps' checklists answered from the field
//! and its non-conformities. Both are captures like a validation: the device
//! makes the id, the first arrival is recorded in `field_captures` with what
//! it did, a replay answers the same and changes nothing.
//!
//! An answer is judged against its item (`domain::checks::judge`): within
//! bounds it is kept; out of bounds it is kept with a warning, or refused
//! when the item is strict. Two devices answering the same item: the answer
//! captured last stands (an older one arriving later is kept in the audit
//! trail, « superseded »), so nothing typed is lost. A non-conformity may
//! send the job back to an earlier step: that step and the validated ones
//! after it are to do again (their first validations stay in the trail).

use super::captures::{Seen, plausible, record, reused};
use super::{
    CaptureAck, CaptureKind, CaptureOutcome, CheckAnswer, CheckResult, CheckView, NonConformityCapture,
    NonConformityView,
};
use crate::audit::{EventAction, EventEntity};
use crate::domain::checks::{CheckItem, CheckValue, Judgement, MAX_TEXT, judge, number};
use crate::domain::jobs::StepTemplate;
use crate::domain::{JobCheckId, JobId};
use crate::error::AppError;
use crate::infra::entity::{field_capture, job_check, job_nonconformity, job_photo, job_step};
use crate::infra::{Audit, Scope, Write, time};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// The item a row was copied from.
pub fn item_of(row: &job_check::Model) -> CheckItem {
    CheckItem {
        label: row.label.clone(),
        kind: row.kind,
        unit: row.unit.clone(),
        min: row.min_value,
        max: row.max_value,
        strict: row.strict,
    }
}

/// The row's answer, if any.
pub fn answer_of(row: &job_check::Model) -> Option<CheckValue> {
    row.answered_at?;
    match row.kind {
        crate::domain::checks::CheckKind::PassFail => row.passed.map(CheckValue::Pass),
        crate::domain::checks::CheckKind::Number => row.number_value.map(CheckValue::Number),
        crate::domain::checks::CheckKind::Text => row.text_value.clone().map(CheckValue::Text),
    }
}

/// An answer as the report and the timeline print it: « Conforme », « 80 µm ».
pub fn display(value: &CheckValue, unit: &str) -> String {
    match value {
        CheckValue::Pass(true) => "Conforme".into(),
        CheckValue::Pass(false) => "Non conforme".into(),
        CheckValue::Number(n) if unit.is_empty() => number(*n),
        CheckValue::Number(n) => format!("{} {unit}", number(*n)),
        CheckValue::Text(t) => t.clone(),
    }
}

/// An item as the page shows it.
pub fn check_view(row: &job_check::Model, names: &HashMap<Uuid, String>) -> CheckView {
    CheckView {
        id: JobCheckId(row.id),
        item: item_of(row),
        answer: answer_of(row),
        out_of_bounds: row.out_of_bounds,
        answered: row
            .answered_at
            .map(|at| match row.answered_by_member_id.and_then(|m| names.get(&m)) {
                Some(who) => format!("{who}, {}", time::display(at)),
                None => time::display(at),
            }),
    }
}

/// The checklist rows of a job, by step, in order.
pub async fn rows_of_job(
    db: &impl ConnectionTrait,
    ws: Uuid,
    job: Uuid,
) -> Result<HashMap<Uuid, Vec<job_check::Model>>, AppError> {
    let mut by_step: HashMap<Uuid, Vec<job_check::Model>> = HashMap::new();
    for row in job_check::Entity::find()
        .filter(job_check::Column::WorkspaceId.eq(ws))
        .filter(job_check::Column::JobId.eq(job))
        .order_by_asc(job_check::Column::Position)
        .all(db)
        .await?
    {
        by_step.entry(row.step_id).or_default().push(row);
    }
    Ok(by_step)
}

/// The checklist rows of new steps, copied from their templates.
pub fn copies(ws: Uuid, job: Uuid, step: Uuid, template: &StepTemplate) -> Vec<job_check::ActiveModel> {
    template
        .checks
        .iter()
        .enumerate()
        .map(|(i, c)| job_check::ActiveModel {
            id: Set(Uuid::now_v7()),
            workspace_id: Set(ws),
            job_id: Set(job),
            step_id: Set(step),
            position: Set(i as i32),
            label: Set(c.label.clone()),
            kind: Set(c.kind),
            unit: Set(c.unit.clone()),
            min_value: Set(c.min),
            max_value: Set(c.max),
            strict: Set(c.strict),
            passed: Set(None),
            number_value: Set(None),
            text_value: Set(None),
            out_of_bounds: Set(false),
            answered_by_member_id: Set(None),
            answered_at: Set(None),
            answer_capture_id: Set(None),
        })
        .collect()
}

async fn check_row(
    db: &impl ConnectionTrait,
    ws: Uuid,
    job: JobId,
    check: JobCheckId,
) -> Result<job_check::Model, AppError> {
    job_check::Entity::find_by_id(check.0)
        .filter(job_check::Column::WorkspaceId.eq(ws))
        .filter(job_check::Column::JobId.eq(job.0))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

async fn result(
    w: &Write,
    ws: Uuid,
    a: &CheckAnswer,
    outcome: CaptureOutcome,
    message: String,
) -> Result<CheckResult, AppError> {
    let row = check_row(w, ws, a.job, a.check).await?;
    let names = crate::pipeline::board::member_names(w, ws).await?;
    Ok(CheckResult {
        outcome,
        message,
        check: check_view(&row, &names),
    })
}

/// Answers a checklist item (or answers a replay of the same capture).
pub async fn answer(w: &Write, scope: &Scope, a: &CheckAnswer) -> Result<CheckResult, AppError> {
    let ws = scope.workspace_id.0;
    if let Some(seen) = field_capture::Entity::find_by_id((ws, a.capture.0)).one(w).await? {
        if seen.kind != CaptureKind::CheckAnswer || seen.target_id != Some(a.check.0) || seen.job_id != a.job.0 {
            return Err(reused());
        }
        return result(w, ws, a, seen.outcome, seen.message).await;
    }
    let job = super::status::locked(w, ws, a.job).await?;
    let row = check_row(w, ws, a.job, a.check).await?;
    let now = time::now();
    let captured_at = plausible(a.captured_at, now);
    let item = item_of(&row);
    let (outcome, message, out_of_bounds) = if job.status.is_closed() {
        (
            CaptureOutcome::Refused,
            format!(
                "Le chantier est {} : rouvrez-le pour modifier un contrôle.",
                job.status.label().to_lowercase()
            ),
            false,
        )
    } else {
        match judge(&item, &a.value) {
            Judgement::Refused(why) => (CaptureOutcome::Refused, why, false),
            Judgement::Fine => (CaptureOutcome::Applied, String::new(), false),
            Judgement::Warning(warning) => (CaptureOutcome::Applied, warning, true),
        }
    };
    let (outcome, message) = if outcome == CaptureOutcome::Applied {
        let (passed, num, text) = match &a.value {
            CheckValue::Pass(p) => (Some(*p), None, None),
            CheckValue::Number(n) => (None, Some(*n), None),
            CheckValue::Text(t) => (None, None, Some(t.trim().to_string())),
        };
        // The answer captured last stands, whatever arrives first.
        let taken = job_check::Entity::update_many()
            .col_expr(job_check::Column::Passed, Expr::value(passed))
            .col_expr(job_check::Column::NumberValue, Expr::value(num))
            .col_expr(job_check::Column::TextValue, Expr::value(text))
            .col_expr(job_check::Column::OutOfBounds, Expr::value(out_of_bounds))
            .col_expr(job_check::Column::AnsweredByMemberId, Expr::value(scope.member_id.0))
            .col_expr(job_check::Column::AnsweredAt, Expr::value(captured_at))
            .col_expr(job_check::Column::AnswerCaptureId, Expr::value(a.capture.0))
            .filter(job_check::Column::Id.eq(row.id))
            .filter(job_check::Column::WorkspaceId.eq(ws))
            .filter(
                sea_orm::Condition::any()
                    .add(job_check::Column::AnsweredAt.is_null())
                    .add(job_check::Column::AnsweredAt.lte(captured_at)),
            )
            .exec(w)
            .await?;
        if taken.rows_affected == 1 {
            (outcome, message)
        } else {
            let fresh = check_row(w, ws, a.job, a.check).await?;
            let names = crate::pipeline::board::member_names(w, ws).await?;
            let shown = check_view(&fresh, &names);
            (
                CaptureOutcome::Superseded,
                format!(
                    "Une réponse plus récente est gardée ({}) : la vôtre est dans l'historique.",
                    shown.answered.unwrap_or_default()
                ),
            )
        }
    } else {
        (outcome, message)
    };
    record(
        w,
        scope,
        Seen {
            id: a.capture.0,
            job: job.id,
            kind: CaptureKind::CheckAnswer,
            target: Some(row.id),
            captured_at,
            outcome,
            message: &message,
        },
    )
    .await?;
    if outcome != CaptureOutcome::Refused {
        w.audit(
            Audit::of(EventEntity::Job, Some(job.id), EventAction::JobCheckAnswered).after(json!({
                "check_id": row.id, "check": row.label, "step_id": row.step_id,
                "value": display(&a.value, &row.unit), "out_of_bounds": out_of_bounds,
                "superseded": outcome == CaptureOutcome::Superseded,
                "capture_id": a.capture.0, "captured_at": captured_at,
            })),
        )
        .await?;
    }
    result(w, ws, a, outcome, message).await
}

/// Declares a non-conformity (or answers a replay of the same capture).
pub async fn declare(w: &Write, scope: &Scope, c: &NonConformityCapture) -> Result<CaptureAck, AppError> {
    let ws = scope.workspace_id.0;
    if let Some(seen) = field_capture::Entity::find_by_id((ws, c.capture.0)).one(w).await? {
        if seen.kind != CaptureKind::NonConformity || seen.job_id != c.job.0 {
            return Err(reused());
        }
        return Ok(CaptureAck {
            outcome: seen.outcome,
            message: seen.message,
        });
    }
    let comment = c.comment.trim();
    let action = c.action.trim();
    if comment.is_empty() {
        return Err(AppError::field("comment", "Décrivez ce qui ne va pas."));
    }
    if comment.chars().count() > MAX_TEXT {
        return Err(AppError::field(
            "comment",
            format!("Description trop longue ({MAX_TEXT} caractères au plus)."),
        ));
    }
    if action.chars().count() > MAX_TEXT {
        return Err(AppError::field(
            "action",
            format!("Action corrective trop longue ({MAX_TEXT} caractères au plus)."),
        ));
    }
    let job = super::status::locked(w, ws, c.job).await?;
    let steps = job_step::Entity::find()
        .filter(job_step::Column::WorkspaceId.eq(ws))
        .filter(job_step::Column::JobId.eq(job.id))
        .order_by_asc(job_step::Column::Position)
        .all(w)
        .await?;
    let find = |id: Option<crate::domain::JobStepId>| -> Result<Option<&job_step::Model>, AppError> {
        match id {
            None => Ok(None),
            Some(id) => steps.iter().find(|s| s.id == id.0).map(Some).ok_or(AppError::NotFound),
        }
    };
    let found_at = find(c.step)?;
    let back_to = find(c.back_to)?;
    if let (Some(found), Some(back)) = (found_at, back_to)
        && back.position > found.position
    {
        return Err(AppError::field(
            "back_to",
            "On ne peut revenir qu'à l'étape du défaut ou à une étape avant elle.",
        ));
    }
    if let Some(photo) = c.photo {
        job_photo::Entity::find_by_id(photo.0)
            .filter(job_photo::Column::WorkspaceId.eq(ws))
            .filter(job_photo::Column::JobId.eq(job.id))
            .one(w)
            .await?
            .ok_or(AppError::NotFound)?;
    }
    let now = time::now();
    let captured_at = plausible(c.captured_at, now);
    if job.status.is_closed() {
        let message = format!(
            "Le chantier est {} : rouvrez-le pour déclarer une non-conformité.",
            job.status.label().to_lowercase()
        );
        record(
            w,
            scope,
            Seen {
                id: c.capture.0,
                job: job.id,
                kind: CaptureKind::NonConformity,
                target: None,
                captured_at,
                outcome: CaptureOutcome::Refused,
                message: &message,
            },
        )
        .await?;
        return Ok(CaptureAck {
            outcome: CaptureOutcome::Refused,
            message,
        });
    }
    let id = Uuid::now_v7();
    job_nonconformity::Entity::insert(job_nonconformity::ActiveModel {
        id: Set(id),
        workspace_id: Set(ws),
        job_id: Set(job.id),
        step_id: Set(found_at.map(|s| s.id)),
        back_to_step_id: Set(back_to.map(|s| s.id)),
        photo_id: Set(c.photo.map(|p| p.0)),
        kind: Set(c.kind),
        comment: Set(comment.to_string()),
        action: Set(action.to_string()),
        declared_by_member_id: Set(Some(scope.member_id.0)),
        declared_at: Set(captured_at),
        capture_id: Set(c.capture.0),
    })
    .exec_without_returning(w)
    .await?;
    w.audit(
        Audit::of(EventEntity::Job, Some(job.id), EventAction::JobNonConformity).after(json!({
            "nonconformity_id": id, "kind": c.kind.as_str(), "nonconformity": c.kind.label(),
            "step": found_at.map(|s| s.name.clone()), "comment": comment, "action": action,
            "capture_id": c.capture.0,
        })),
    )
    .await?;
    let mut message = String::new();
    if let Some(back) = back_to {
        let reopened: Vec<&job_step::Model> = steps
            .iter()
            // Only what was done before the defect was seen: a validation
            // made after it (the defect arriving late from an offline
            // device) already took it into account.
            .filter(|s| s.position >= back.position && s.validated_at.is_some_and(|at| at <= captured_at))
            .collect();
        if !reopened.is_empty() {
            job_step::Entity::update_many()
                .col_expr(
                    job_step::Column::ValidatedAt,
                    Expr::value(Option::<DateTime<Utc>>::None),
                )
                .col_expr(job_step::Column::ValidatedByMemberId, Expr::value(Option::<Uuid>::None))
                .col_expr(job_step::Column::ValidatedCaptureId, Expr::value(Option::<Uuid>::None))
                .filter(job_step::Column::WorkspaceId.eq(ws))
                .filter(job_step::Column::Id.is_in(reopened.iter().map(|s| s.id)))
                .exec(w)
                .await?;
            let names: Vec<&str> = reopened.iter().map(|s| s.name.as_str()).collect();
            w.audit(
                Audit::of(EventEntity::Job, Some(job.id), EventAction::JobStepReopened).after(json!({
                    "step": back.name, "reopened": names, "nonconformity_id": id,
                })),
            )
            .await?;
            message = format!("Retour à « {} » : {} à refaire.", back.name, names.join(", "));
        }
    }
    // Recorded with what followed, so a replay answers the same.
    record(
        w,
        scope,
        Seen {
            id: c.capture.0,
            job: job.id,
            kind: CaptureKind::NonConformity,
            target: Some(id),
            captured_at,
            outcome: CaptureOutcome::Applied,
            message: &message,
        },
    )
    .await?;
    Ok(CaptureAck {
        outcome: CaptureOutcome::Applied,
        message,
    })
}

/// The non-conformities of a job, newest first.
pub async fn nonconformities_of(
    db: &impl ConnectionTrait,
    ws: Uuid,
    job: Uuid,
    names: &HashMap<Uuid, String>,
    step_names: &HashMap<Uuid, String>,
) -> Result<Vec<NonConformityView>, AppError> {
    Ok(job_nonconformity::Entity::find()
        .filter(job_nonconformity::Column::WorkspaceId.eq(ws))
        .filter(job_nonconformity::Column::JobId.eq(job))
        .order_by_desc(job_nonconformity::Column::DeclaredAt)
        .order_by_desc(job_nonconformity::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|n| NonConformityView {
            kind: n.kind,
            step: n.step_id.and_then(|s| step_names.get(&s).cloned()),
            comment: n.comment,
            action: n.action,
            back_to: n.back_to_step_id.and_then(|s| step_names.get(&s).cloned()),
            photo_thumb: n.photo_id.map(|p| format!("/app/job-photos/{p}/thumb")),
            declared: match n.declared_by_member_id.and_then(|m| names.get(&m)) {
                Some(who) => format!("{who}, {}", time::display(n.declared_at)),
                None => time::display(n.declared_at),
            },
        })
        .collect())
}
