//! Server functions of the dashboards and their settings.

use super::Dashboard;
use crate::domain::kpi::Estimates;
use crate::error::AppError;
use leptos::prelude::*;

/// The caller's dashboard for a period (`7`, `30`, `90`, `all`).
#[server(endpoint = "fetch_dashboard")]
pub async fn fetch_dashboard(period: Option<String>) -> Result<Dashboard, AppError> {
    use crate::domain::{Role, TradePack};
    use crate::infra::{scope, state::app_state, time};
    use sea_orm::EntityTrait;
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    let pack = crate::infra::entity::workspace::Entity::find_by_id(scope.workspace_id.0)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?
        .pack;
    let period = super::Period::parse(period.as_deref());
    let ws = scope.workspace_id.0;
    let coach = if pack == TradePack::Coach {
        let estimates = super::settings::load(&state.db, ws).await?;
        Some(super::coach::dashboard(&state.db, ws, period, estimates).await?)
    } else {
        None
    };
    // Every role of every pack sees something: a coach workspace its setter
    // KPIs; whoever works deals their own figures; owners, admins and
    // accounting the workspace's.
    let mine = if pack != TradePack::Coach && scope.role.can_work_deals() {
        Some(super::packs::mine(&state.db, &scope, pack).await?)
    } else {
        None
    };
    let workspace = if scope.role.can_view_workspace_figures() {
        Some(super::packs::workspace(&state.db, &scope).await?)
    } else {
        None
    };
    let finance = if pack != TradePack::Coach && scope.role.can_issue_invoices() {
        Some(crate::invoice::finance::pack(&state.db, &scope).await?)
    } else {
        None
    };
    Ok(Dashboard {
        pack,
        period,
        coach,
        mine,
        workspace,
        finance,
        computed_at: time::display_seconds(time::now()),
        can_configure: Role::can_manage_workspace(scope.role),
    })
}

/// The assumptions behind the estimated KPIs.
#[server(endpoint = "fetch_coach_settings")]
pub async fn fetch_coach_settings() -> Result<Estimates, AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    super::settings::load(&state.db, scope.workspace_id.0).await
}

/// Changes the assumptions (owners). `monthly_cost` in euros.
#[server(endpoint = "save_coach_settings")]
pub async fn save_coach_settings(
    lead_magnet_pct: String,
    no_show_pct: String,
    ai_efficiency_pct: String,
    minutes_per_message: String,
    monthly_cost: String,
) -> Result<Estimates, AppError> {
    use crate::domain::Role;
    use crate::error::FieldErrors;
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    scope.require(Role::can_manage_workspace)?;
    let mut errors = FieldErrors::new();
    let mut int = |field: &str, v: &str| -> i32 {
        v.trim().parse::<i32>().unwrap_or_else(|_| {
            errors.push(field, "Nombre entier attendu.");
            0
        })
    };
    let lead_magnet_pct = int("lead_magnet_pct", &lead_magnet_pct);
    let no_show_pct = int("no_show_pct", &no_show_pct);
    let ai_efficiency_pct = int("ai_efficiency_pct", &ai_efficiency_pct);
    let minutes_per_message = int("minutes_per_message", &minutes_per_message);
    let monthly_cost_cents = if monthly_cost.trim().is_empty() {
        Some(0)
    } else {
        errors.check("monthly_cost", crate::domain::money::parse_eur(&monthly_cost))
    };
    errors.into_result()?;
    let estimates = Estimates {
        lead_magnet_pct,
        no_show_pct,
        ai_efficiency_pct,
        minutes_per_message,
        monthly_cost_cents: monthly_cost_cents.unwrap_or(0),
    };
    let w = crate::infra::Write::scoped(&state, &scope).await?;
    let saved = super::settings::save(&w, &scope, estimates).await?;
    w.commit().await?;
    Ok(saved)
}
