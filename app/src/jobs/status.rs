//! Moving a job between statuses (start, pause, finish, cancel, reopen):
//! the allowed moves are `domain::jobs::JobStatus::can_move_to`; two members
//! moving it at once: one wins (compare-and-set on the status).

use crate::audit::{EventAction, EventEntity};
use crate::domain::jobs::JobStatus;
use crate::domain::{DomainEvent, JobId};
use crate::error::AppError;
use crate::infra::entity::job;
use crate::infra::{Audit, Scope, Write, time};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde_json::json;
use uuid::Uuid;

/// Moves a job of the caller's workspace to `to`.
pub async fn move_job(w: &Write, scope: &Scope, id: JobId, to: JobStatus) -> Result<(), AppError> {
    let job = locked(w, scope.workspace_id.0, id).await?;
    if !job.status.can_move_to(to) {
        return Err(AppError::field(
            "status",
            format!(
                "Un chantier « {} » ne peut pas passer à « {} ».",
                job.status.label(),
                to.label()
            ),
        ));
    }
    apply(w, &job, to).await
}

/// A job of workspace `ws`, read for a change: on PostgreSQL its row is
/// locked until the envelope commits (a validation and a move, or two
/// moves, then run one after the other); on SQLite the envelope's write lock
/// already serialises writers.
pub async fn locked(w: &Write, ws: Uuid, id: JobId) -> Result<job::Model, AppError> {
    let query = job::Entity::find_by_id(id.0).filter(job::Column::WorkspaceId.eq(ws));
    let query = if crate::infra::db::is_postgres(w) {
        query.lock_exclusive()
    } else {
        query
    };
    query.one(w).await?.ok_or(AppError::NotFound)
}

/// Writes the move (the caller checked it is allowed), with its audit event
/// and domain event; `Conflict` when someone moved the job meanwhile.
pub async fn apply(w: &Write, job: &job::Model, to: JobStatus) -> Result<(), AppError> {
    let now = time::now();
    let mut update = job::Entity::update_many()
        .col_expr(job::Column::Status, Expr::value(to))
        .filter(job::Column::Id.eq(job.id))
        .filter(job::Column::WorkspaceId.eq(job.workspace_id))
        .filter(job::Column::Status.eq(job.status));
    if to == JobStatus::InProgress && job.started_at.is_none() {
        update = update.col_expr(job::Column::StartedAt, Expr::value(now));
    }
    if to.is_closed() {
        update = update.col_expr(job::Column::FinishedAt, Expr::value(now));
    } else if job.status.is_closed() {
        update = update.col_expr(
            job::Column::FinishedAt,
            Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
        );
    }
    if update.exec(w).await?.rows_affected != 1 {
        return Err(AppError::Conflict(
            "Le chantier vient de changer de statut : rechargez la page.".into(),
        ));
    }
    w.audit(
        Audit::of(EventEntity::Job, Some(job.id), EventAction::JobStatusChanged)
            .before(json!({ "status": job.status.as_str() }))
            .after(json!({ "status": to.as_str() })),
    )
    .await?;
    w.emit(DomainEvent::JobStatusChanged {
        job: JobId(job.id),
        status: to,
    })
    .await?;
    if to == JobStatus::Done {
        super::notify::job_done(w, job).await?;
    }
    Ok(())
}
