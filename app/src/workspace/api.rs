//! Server functions of workspaces, members and invitations.

use super::{InvitationInfo, MembersPage, Overview, WorkspaceSettings};
use crate::auth::SignInOutcome;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::infra::Write;
use leptos::prelude::*;

/// Moves the session to another of the user's workspaces.
#[server(endpoint = "switch_workspace")]
pub async fn switch_workspace(workspace_id: crate::domain::WorkspaceId) -> Result<(), AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let current = scope::session_user(&state).await?;
    let w = Write::personal(&state, &current).await?;
    super::service::switch(&w, &current, workspace_id.0).await?;
    w.commit().await
}

/// Creates another workspace and switches to it.
#[server(endpoint = "create_workspace")]
pub async fn create_workspace(name: String, pack: String) -> Result<crate::domain::WorkspaceId, AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let current = scope::session_user(&state).await?;
    let w = Write::personal(&state, &current).await?;
    let id = super::service::create_additional(&w, &current, &name, &pack).await?;
    w.commit().await?;
    Ok(crate::domain::WorkspaceId(id))
}

/// The workspace home page.
#[server(endpoint = "workspace_overview")]
pub async fn workspace_overview() -> Result<Overview, AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    super::service::overview(&state.db, &scope).await
}

/// Members and pending invitations.
#[server(endpoint = "list_members")]
pub async fn list_members() -> Result<MembersPage, AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    super::service::members_page(&state.db, &scope).await
}

/// Invites someone by email.
#[server(endpoint = "invite_member")]
pub async fn invite_member(email: String, role: String) -> Result<crate::domain::InvitationId, AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    scope.require(crate::domain::Role::can_manage_members)?;
    let w = Write::scoped(&state, &scope).await?;
    let id = super::service::invite(&w, &scope, &email, &role).await?;
    w.commit().await?;
    Ok(crate::domain::InvitationId(id))
}

/// Changes a member's role.
#[server(endpoint = "change_member_role")]
pub async fn change_member_role(member_id: crate::domain::MemberId, role: String) -> Result<(), AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    scope.require(crate::domain::Role::can_manage_members)?;
    let w = Write::scoped(&state, &scope).await?;
    super::service::change_role(&w, &scope, member_id.0, &role).await?;
    w.commit().await
}

/// Removes a member, or leaves the workspace when it is oneself.
#[server(endpoint = "remove_member")]
pub async fn remove_member(member_id: crate::domain::MemberId) -> Result<(), AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    let w = Write::scoped(&state, &scope).await?;
    super::service::remove(&w, &scope, member_id.0).await?;
    w.commit().await
}

/// Withdraws a pending invitation.
#[server(endpoint = "revoke_invitation")]
pub async fn revoke_invitation(invitation_id: crate::domain::InvitationId) -> Result<(), AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    scope.require(crate::domain::Role::can_manage_members)?;
    let w = Write::scoped(&state, &scope).await?;
    super::service::revoke(&w, &scope, invitation_id.0).await?;
    w.commit().await
}

/// What an invitation link offers.
#[server(endpoint = "fetch_invitation")]
pub async fn fetch_invitation(token: String) -> Result<InvitationInfo, AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let current = scope::session_user(&state).await.ok();
    super::service::invitation_info(&state, &token, current.as_ref()).await
}

/// Accepts an invitation (creating the account when needed).
#[server(endpoint = "accept_invitation")]
pub async fn accept_invitation(
    token: String,
    name: Option<String>,
    password: Option<String>,
    consent: Option<String>,
) -> Result<SignInOutcome, AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let current = scope::session_user(&state).await.ok();
    let account = crate::auth::service::NewAccount {
        name: name.unwrap_or_default(),
        password: password.unwrap_or_default(),
        consent: consent.is_some(),
    };
    crate::auth::service::accept_invitation(&state, &token, current.as_ref(), account).await
}

/// Current workspace settings.
#[server(endpoint = "fetch_workspace_settings")]
pub async fn fetch_workspace_settings() -> Result<WorkspaceSettings, AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    super::service::settings(&state.db, &scope).await
}

/// Saves the workspace name and security policy.
#[server(endpoint = "update_workspace_settings")]
pub async fn update_workspace_settings(name: String, require_owner_totp: Option<String>) -> Result<(), AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    scope.require(crate::domain::Role::can_manage_workspace)?;
    let w = Write::scoped(&state, &scope).await?;
    super::service::update_settings(&w, &scope, &name, require_owner_totp.is_some()).await?;
    w.commit().await
}
