//! Server functions of workspaces, members and invitations.

use super::{InvitationInfo, MembersPage, Overview, WorkspaceSettings};
use crate::auth::SignInOutcome;
use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

/// Moves the session to another of the user's workspaces.
#[server(endpoint = "switch_workspace")]
pub async fn switch_workspace(workspace_id: Uuid) -> Result<(), AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let current = scope::session_user(&state).await?;
    super::service::switch(&state, &current, workspace_id).await
}

/// Creates another workspace and switches to it.
#[server(endpoint = "create_workspace")]
pub async fn create_workspace(name: String, pack: String) -> Result<Uuid, AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let current = scope::session_user(&state).await?;
    super::service::create_additional(&state, &current, &name, &pack).await
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
pub async fn invite_member(email: String, role: String) -> Result<Uuid, AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    super::service::invite(&state, &scope, &email, &role).await
}

/// Changes a member's role.
#[server(endpoint = "change_member_role")]
pub async fn change_member_role(member_id: Uuid, role: String) -> Result<(), AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    super::service::change_role(&state, &scope, member_id, &role).await
}

/// Removes a member, or leaves the workspace when it is oneself.
#[server(endpoint = "remove_member")]
pub async fn remove_member(member_id: Uuid) -> Result<(), AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    super::service::remove(&state, &scope, member_id).await
}

/// Withdraws a pending invitation.
#[server(endpoint = "revoke_invitation")]
pub async fn revoke_invitation(invitation_id: Uuid) -> Result<(), AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    super::service::revoke(&state, &scope, invitation_id).await
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
    let account = super::service::NewAccount {
        name: name.unwrap_or_default(),
        password: password.unwrap_or_default(),
        consent: consent.is_some(),
    };
    super::service::accept(&state, &token, current.as_ref(), account).await
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
    super::service::update_settings(&state, &scope, &name, require_owner_totp.is_some()).await
}
