//! What a job gets when a won deal opens it: the steps of the workspace's
//! template (the pack's defaults until the workspace edits its own) and the
//! deal's owner as its first assignee, each step with its checklist. Called by `pipeline::rules` in the
//! transaction that wins the deal, for any number of jobs at once.

use crate::domain::jobs::{StepTemplate, default_steps};
use crate::error::AppError;
use crate::infra::entity::{job_assignee, job_check, job_step, step_template, workspace};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

/// The steps a new job of the workspace starts with, in order.
pub async fn template_of(db: &impl ConnectionTrait, ws: Uuid) -> Result<Vec<StepTemplate>, AppError> {
    let rows = step_template::Entity::find()
        .filter(step_template::Column::WorkspaceId.eq(ws))
        .order_by_asc(step_template::Column::Position)
        .all(db)
        .await?;
    if !rows.is_empty() {
        return Ok(rows
            .into_iter()
            .map(|r| StepTemplate {
                checks: serde_json::from_str(&r.checks).unwrap_or_else(|e| {
                    tracing::error!(error = %e, template = %r.id, "unreadable checklist in a step template");
                    Vec::new()
                }),
                name: r.name,
                requires_photo: r.requires_photo,
                after_previous: r.after_previous,
            })
            .collect());
    }
    let pack = workspace::Entity::find_by_id(ws)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?
        .pack;
    Ok(default_steps(pack))
}

/// A job just opened: its id and the won deal's owner.
pub struct Opened {
    /// The job.
    pub job: Uuid,
    /// Its first assignee.
    pub owner: Option<Uuid>,
}

/// Writes the steps and first assignees of jobs opened in workspace `ws`.
pub async fn equip(db: &impl ConnectionTrait, ws: Uuid, opened: &[Opened]) -> Result<(), AppError> {
    if opened.is_empty() {
        return Ok(());
    }
    let template = template_of(db, ws).await?;
    let mut checks = Vec::new();
    let steps: Vec<job_step::ActiveModel> = opened
        .iter()
        .flat_map(|o| template.iter().enumerate().map(move |(i, t)| (o, i, t)))
        .map(|(o, i, t)| {
            let id = Uuid::now_v7();
            checks.extend(super::checks::copies(ws, o.job, id, t));
            job_step::ActiveModel {
                id: Set(id),
                workspace_id: Set(ws),
                job_id: Set(o.job),
                position: Set(i as i32),
                name: Set(t.name.clone()),
                requires_photo: Set(t.requires_photo),
                after_previous: Set(t.after_previous),
                validated_by_member_id: Set(None),
                validated_at: Set(None),
                validated_capture_id: Set(None),
            }
        })
        .collect();
    for chunk in steps.chunks(500) {
        job_step::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    for chunk in checks.chunks(500) {
        job_check::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    let assignees: Vec<job_assignee::ActiveModel> = opened
        .iter()
        .filter_map(|o| {
            o.owner.map(|m| job_assignee::ActiveModel {
                workspace_id: Set(ws),
                job_id: Set(o.job),
                member_id: Set(m),
            })
        })
        .collect();
    for chunk in assignees.chunks(500) {
        job_assignee::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}
