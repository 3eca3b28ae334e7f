//! Server functions of the outbox.

use super::{EmailDetail, OutboxPage};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
async fn viewer() -> Result<super::service::Viewer, AppError> {
    use crate::infra::config::MailTransport;
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let current = scope::session_user(&state).await?;
    let membership = scope::current_membership(&state.db, &current).await?;
    let workspace_id = membership
        .filter(|(m, _)| m.role.can_view_workspace_outbox())
        .map(|(_, w)| w.id);
    let viewer = super::service::Viewer {
        workspace_id,
        is_platform_admin: current.user.is_platform_admin,
        local_transport: state.config.mail_transport == MailTransport::Local,
    };
    if !viewer.may_list() {
        return Err(AppError::Forbidden);
    }
    Ok(viewer)
}

/// The newest messages the user may see (`status`: queued, sent, failed).
#[server(endpoint = "list_outbox")]
pub async fn list_outbox(status: Option<String>, search: Option<String>) -> Result<OutboxPage, AppError> {
    use crate::infra::state::app_state;
    let state = app_state()?;
    let viewer = viewer().await?;
    let status = status.as_deref().and_then(super::EmailStatus::parse);
    let rows = super::service::list(&state.db, &viewer, status, search.as_deref(), 100).await?;
    let scope_label = if viewer.is_platform_admin {
        "Tous les messages de la plateforme".to_string()
    } else {
        "Messages envoyés par l'espace (liens personnels masqués)".to_string()
    };
    Ok(OutboxPage {
        rows,
        local_transport: viewer.local_transport,
        scope_label,
    })
}

/// One message with its content.
#[server(endpoint = "get_email")]
pub async fn get_email(id: crate::domain::EmailId) -> Result<EmailDetail, AppError> {
    use crate::infra::state::app_state;
    let state = app_state()?;
    let viewer = viewer().await?;
    super::service::detail(&state.db, &viewer, id.0)
        .await?
        .ok_or(AppError::NotFound)
}
