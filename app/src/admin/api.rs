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

/// Creates a coach (account + coach workspace) and emails them a magic link
/// (platform admins only; others get "not found").
#[server(endpoint = "create_coach")]
pub async fn create_coach(
    name: String,
    email: String,
    workspace_name: String,
    specialty: String,
) -> Result<crate::domain::WorkspaceId, AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let current = scope::session_user(&state).await?;
    if !current.user.is_platform_admin {
        return Err(AppError::NotFound);
    }
    let w = crate::infra::Write::personal(&state, &current).await?;
    let (workspace, address) =
        super::service::create_coach(&w, &current, &name, &email, &workspace_name, &specialty).await?;
    w.commit().await?;
    crate::auth::links::request_magic_link(&state, &current.meta, &address).await?;
    Ok(crate::domain::WorkspaceId(workspace))
}
