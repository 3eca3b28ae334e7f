//! Server functions of the API keys (the workspace's owners).

use super::{ApiKeyView, CreatedApiKey};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
async fn manager() -> Result<(crate::infra::AppState, crate::infra::Scope), AppError> {
    use crate::domain::Role;
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    scope.require(Role::can_manage_workspace)?;
    Ok((state, scope))
}

/// The workspace's API keys.
#[server(endpoint = "list_api_keys")]
pub async fn list_api_keys() -> Result<Vec<ApiKeyView>, AppError> {
    let (state, scope) = manager().await?;
    super::keys::list(&state.db, &scope).await
}

/// Creates an API key; the answer holds the only copy of its secret.
#[server(endpoint = "create_api_key")]
pub async fn create_api_key(name: String) -> Result<CreatedApiKey, AppError> {
    let (state, scope) = manager().await?;
    let w = crate::infra::Write::scoped(&state, &scope).await?;
    let created = super::keys::create(&w, &scope, &name).await?;
    w.commit().await?;
    Ok(created)
}

/// Revokes an API key: the feed refuses it at once.
#[server(endpoint = "revoke_api_key")]
pub async fn revoke_api_key(id: crate::domain::ApiKeyId) -> Result<ApiKeyView, AppError> {
    let (state, scope) = manager().await?;
    let w = crate::infra::Write::scoped(&state, &scope).await?;
    let key = super::keys::revoke(&w, &scope, id.0).await?;
    w.commit().await?;
    Ok(key)
}
