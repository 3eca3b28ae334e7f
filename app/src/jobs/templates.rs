//! The steps new jobs start with, editable by owners and admins
//! (`/app/jobs/settings`): names, order, « photo required », « after the
//! previous steps » and each step's checklist. Saving replaces the whole
//! template at once (checked by `domain::jobs::template_problem`); an empty
//! one brings the pack's defaults back. Running jobs keep the steps they
//! opened with.

use super::StepTemplates;
use crate::audit::{EventAction, EventEntity};
use crate::domain::Role;
use crate::domain::jobs::{StepTemplate, template_problem};
use crate::error::AppError;
use crate::infra::entity::step_template;
use crate::infra::{Audit, Scope, Write};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

/// The workspace's template as the editor starts from.
pub async fn fetch(db: &impl ConnectionTrait, scope: &Scope) -> Result<StepTemplates, AppError> {
    let ws = scope.workspace_id.0;
    let custom = step_template::Entity::find()
        .filter(step_template::Column::WorkspaceId.eq(ws))
        .one(db)
        .await?
        .is_some();
    Ok(StepTemplates {
        steps: super::open::template_of(db, ws).await?,
        custom,
        can_edit: Role::can_configure_jobs(scope.role),
    })
}

/// Replaces the template (empty: back to the pack's defaults).
pub async fn save(w: &Write, scope: &Scope, steps: Vec<StepTemplate>) -> Result<(), AppError> {
    scope.require(Role::can_configure_jobs)?;
    let ws = scope.workspace_id.0;
    let steps: Vec<StepTemplate> = steps
        .into_iter()
        .map(|mut s| {
            s.name = s.name.trim().to_string();
            for c in &mut s.checks {
                c.label = c.label.trim().to_string();
                c.unit = c.unit.trim().to_string();
                if c.kind != crate::domain::checks::CheckKind::Number {
                    (c.unit, c.min, c.max, c.strict) = (String::new(), None, None, false);
                }
            }
            s
        })
        .collect();
    if let Some((field, message)) = template_problem(&steps) {
        return Err(AppError::field(&field, message));
    }
    let before = super::open::template_of(w, ws).await?;
    step_template::Entity::delete_many()
        .filter(step_template::Column::WorkspaceId.eq(ws))
        .exec(w)
        .await?;
    let rows: Vec<step_template::ActiveModel> = steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            Ok(step_template::ActiveModel {
                id: Set(Uuid::now_v7()),
                workspace_id: Set(ws),
                position: Set(i as i32),
                name: Set(s.name.clone()),
                requires_photo: Set(s.requires_photo),
                after_previous: Set(s.after_previous),
                checks: Set(serde_json::to_string(&s.checks).map_err(|_| AppError::Internal)?),
            })
        })
        .collect::<Result<_, AppError>>()?;
    if !rows.is_empty() {
        step_template::Entity::insert_many(rows)
            .exec_without_returning(w)
            .await?;
    }
    w.audit(
        Audit::of(EventEntity::Workspace, Some(ws), EventAction::StepTemplatesSaved)
            .before(json!({ "steps": before }))
            .after(json!({ "steps": steps, "defaults": steps.is_empty() })),
    )
    .await
}
