//! Who is asking, built only from the session cookie. Services receive a
//! `Scope` and never take a workspace id from the client.

use super::entity::{member, session, user, workspace};
use super::events::Actor;
use super::request::{self, RequestMeta};
use super::session as sessions;
use super::state::AppState;
use crate::domain::{MemberId, Role, UserId, WorkspaceId};
use crate::error::AppError;
use http::request::Parts;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

/// A signed-in user, whatever the workspace.
#[derive(Clone, Debug)]
pub struct SessionUser {
    /// The session row.
    pub session: session::Model,
    /// The user row.
    pub user: user::Model,
    /// Request origin, for audit events.
    pub meta: RequestMeta,
}

impl SessionUser {
    /// The audit chain of this session: its workspace's, or the platform's
    /// when the user works in none.
    pub fn chain(&self) -> WorkspaceId {
        self.session
            .workspace_id
            .map(WorkspaceId)
            .unwrap_or(WorkspaceId::PLATFORM)
    }

    /// The audit actor.
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.user.id),
            label: self.user.name.clone(),
            meta: self.meta.clone(),
        }
    }
}

/// A member acting inside their current workspace.
#[derive(Clone, Debug)]
pub struct Scope {
    /// The user.
    pub user_id: UserId,
    /// Their display name.
    pub user_name: String,
    /// The workspace every query is restricted to.
    pub workspace_id: WorkspaceId,
    /// Their membership.
    pub member_id: MemberId,
    /// Their role in this workspace.
    pub role: Role,
    /// Operator of the platform.
    pub is_platform_admin: bool,
    /// The session row.
    pub session_id: uuid::Uuid,
    /// Request origin, for audit events.
    pub meta: RequestMeta,
}

impl Scope {
    /// The audit actor.
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.user_id.0),
            label: self.user_name.clone(),
            meta: self.meta.clone(),
        }
    }

    /// Fails with `Forbidden` unless the role allows it.
    pub fn require(&self, allowed: impl FnOnce(Role) -> bool) -> Result<(), AppError> {
        if allowed(self.role) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// Loads the session and user behind a request's cookie, if any. Used by the
/// page guard and by server functions.
pub async fn load_session(state: &AppState, parts: &Parts) -> Result<Option<(session::Model, user::Model)>, AppError> {
    let db = &state.db;
    let Some(token) = request::cookie(parts, request::session_cookie_name(state.config.secure_cookies)) else {
        return Ok(None);
    };
    let Some(session) = sessions::find(db, &token).await? else {
        return Ok(None);
    };
    let Some(user) = user::Entity::find_by_id(session.user_id).one(db).await? else {
        return Ok(None);
    };
    sessions::touch(db, &session).await?;
    Ok(Some((session, user)))
}

/// The session of this request, including one still waiting for its second factor.
pub async fn any_session(state: &AppState) -> Result<SessionUser, AppError> {
    any_session_of(state, &request::parts()?).await
}

/// The session behind these request parts (handlers outside server functions).
pub async fn any_session_of(state: &AppState, parts: &Parts) -> Result<SessionUser, AppError> {
    let meta = request::meta_from_parts(parts, state.config.proxy_hops);
    match load_session(state, parts).await? {
        Some((session, user)) => Ok(SessionUser { session, user, meta }),
        None => Err(AppError::Unauthenticated),
    }
}

/// The fully signed-in user of this request.
pub async fn session_user(state: &AppState) -> Result<SessionUser, AppError> {
    session_user_of(state, &request::parts()?).await
}

/// The fully signed-in user behind these request parts.
pub async fn session_user_of(state: &AppState, parts: &Parts) -> Result<SessionUser, AppError> {
    let current = any_session_of(state, parts).await?;
    if current.session.mfa_pending {
        Err(AppError::Unauthenticated)
    } else {
        Ok(current)
    }
}

/// The membership a session works in: the session's workspace, or the user's
/// oldest membership when that one is gone.
pub async fn current_membership(
    db: &DatabaseConnection,
    current: &SessionUser,
) -> Result<Option<(member::Model, workspace::Model)>, AppError> {
    let memberships = member::Entity::find()
        .filter(member::Column::UserId.eq(current.user.id))
        .order_by_asc(member::Column::CreatedAt)
        .all(db)
        .await?;
    let chosen = memberships
        .iter()
        .find(|m| Some(m.workspace_id) == current.session.workspace_id)
        .or_else(|| memberships.first())
        .cloned();
    let Some(member) = chosen else {
        return Ok(None);
    };
    let Some(workspace) = workspace::Entity::find_by_id(member.workspace_id).one(db).await? else {
        return Ok(None);
    };
    if current.session.workspace_id != Some(workspace.id) {
        sessions::set_workspace(db, current.session.id, workspace.id).await?;
    }
    Ok(Some((member, workspace)))
}

/// Whether a session may still receive a workspace's live updates: it
/// exists, has not expired, passed its second factor, still works in that
/// workspace, and its user is still a member there. The live stream asks
/// before every update and every few seconds, and ends when the answer is no
/// (signed out, password reset, member removed, workspace switched).
pub async fn still_entitled(
    db: &DatabaseConnection,
    session_id: uuid::Uuid,
    workspace_id: uuid::Uuid,
) -> Result<bool, AppError> {
    let Some(s) = session::Entity::find_by_id(session_id).one(db).await? else {
        return Ok(false);
    };
    if s.mfa_pending || s.expires_at <= super::time::now() || s.workspace_id != Some(workspace_id) {
        return Ok(false);
    }
    Ok(member::Entity::find()
        .filter(member::Column::WorkspaceId.eq(workspace_id))
        .filter(member::Column::UserId.eq(s.user_id))
        .one(db)
        .await?
        .is_some())
}

/// Whether this owner must enrol a second factor before using the workspace.
pub fn must_enroll_totp(user: &user::Model, member: &member::Model, workspace: &workspace::Model) -> bool {
    workspace.require_owner_totp && member.role == Role::Owner && user.totp_enabled_at.is_none()
}

/// The scope of this request: signed in, member of a workspace, and compliant
/// with the workspace's security policy.
pub async fn scope(state: &AppState) -> Result<Scope, AppError> {
    scope_of(state, &request::parts()?).await
}

/// The scope behind these request parts (file downloads and other handlers).
pub async fn scope_of(state: &AppState, parts: &Parts) -> Result<Scope, AppError> {
    let current = session_user_of(state, parts).await?;
    let Some((member, workspace)) = current_membership(&state.db, &current).await? else {
        return Err(AppError::NotFound);
    };
    if must_enroll_totp(&current.user, &member, &workspace) {
        return Err(AppError::SecondFactorRequired);
    }
    Ok(Scope {
        user_id: UserId(current.user.id),
        user_name: current.user.name.clone(),
        workspace_id: WorkspaceId(workspace.id),
        member_id: MemberId(member.id),
        role: member.role,
        is_platform_admin: current.user.is_platform_admin,
        session_id: current.session.id,
        meta: current.meta,
    })
}

/// Conversions from infrastructure errors: log the detail, show nothing of it.
impl From<sea_orm::DbErr> for AppError {
    fn from(error: sea_orm::DbErr) -> Self {
        tracing::error!(%error, "database error");
        AppError::Internal
    }
}
