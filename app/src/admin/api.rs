//! Server functions of the platform admin page.

use super::AdminOverview;
use crate::error::AppError;
use leptos::prelude::*;

/// Every workspace and platform figures (platform admins only; others get "not found").
#[server(endpoint = "fetch_admin_overview")]
pub async fn fetch_admin_overview() -> Result<AdminOverview, AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let current = scope::session_user(&state).await?;
    super::service::overview(&state.db, &current).await
}
