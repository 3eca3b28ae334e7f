//! The assumptions behind the coach pack's estimates (one row a workspace,
//! defaults until changed).

use crate::audit::{EventAction, EventEntity};
use crate::domain::kpi::Estimates;
use crate::error::{AppError, FieldErrors};
use crate::infra::entity::coach_settings;
use crate::infra::{Audit, Scope, Write, time};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

/// The workspace's estimates (defaults when never set).
pub async fn load(db: &impl ConnectionTrait, workspace_id: Uuid) -> Result<Estimates, AppError> {
    Ok(match coach_settings::Entity::find_by_id(workspace_id).one(db).await? {
        Some(s) => Estimates {
            lead_magnet_pct: s.lead_magnet_pct,
            no_show_pct: s.no_show_pct,
            ai_efficiency_pct: s.ai_efficiency_pct,
            minutes_per_message: s.minutes_per_message,
            monthly_cost_cents: s.monthly_cost_cents,
        },
        None => Estimates::default(),
    })
}

/// Checks and stores the estimates.
pub async fn save(w: &Write, scope: &Scope, e: Estimates) -> Result<Estimates, AppError> {
    if let Err((field, message)) = e.check() {
        let mut errors = FieldErrors::new();
        errors.push(field, message);
        return Err(AppError::Validation(errors));
    }
    let before = load(w, scope.workspace_id.0).await?;
    coach_settings::Entity::insert(coach_settings::ActiveModel {
        workspace_id: Set(scope.workspace_id.0),
        lead_magnet_pct: Set(e.lead_magnet_pct),
        no_show_pct: Set(e.no_show_pct),
        ai_efficiency_pct: Set(e.ai_efficiency_pct),
        minutes_per_message: Set(e.minutes_per_message),
        monthly_cost_cents: Set(e.monthly_cost_cents),
        updated_at: Set(time::now()),
    })
    .on_conflict(
        OnConflict::column(coach_settings::Column::WorkspaceId)
            .update_columns([
                coach_settings::Column::LeadMagnetPct,
                coach_settings::Column::NoShowPct,
                coach_settings::Column::AiEfficiencyPct,
                coach_settings::Column::MinutesPerMessage,
                coach_settings::Column::MonthlyCostCents,
                coach_settings::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(w)
    .await?;
    w.audit(
        Audit::of(EventEntity::CoachSettings, None, EventAction::CoachSettingsChanged)
            .before(serde_json::to_value(&before).unwrap_or_default())
            .after(serde_json::to_value(&e).unwrap_or_default()),
    )
    .await?;
    w.emit(crate::domain::DomainEvent::KpiSettingsChanged).await?;
    Ok(e)
}
