//! Workspace rules: creation with the pack's pipelines, switching, members,
//! roles and invitations. Every query is restricted to the caller's scope.

use super::{
    InvitationInfo, InvitationRow, MemberRow, MembersPage, Overview, PipelineView, StageView, WorkspaceSettings,
    WorkspaceSummary,
};
use crate::audit::{EventAction, EventEntity};
use crate::domain::{DomainEvent, Email, InvitationId, MemberId, Role, TradePack, WorkspaceId, WorkspaceName};
use crate::error::{AppError, FieldErrors};
use crate::infra::entity::{invitation, member, pipeline, stage, user, workspace};
use crate::infra::rate_limit;
use crate::infra::{AppState, Audit, Scope, SessionUser, Write, crypto, request, session, time};
use crate::outbox::EmailKind;
use crate::outbox::service::{self as outbox, NewEmail};
use crate::outbox::templates;
use chrono::TimeDelta;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder,
};
use serde_json::json;
use uuid::Uuid;

/// Lifetime of an invitation.
pub const INVITATION_TTL: TimeDelta = TimeDelta::days(7);

/// Creates a workspace owned by `owner`, with the pack's default pipelines.
pub async fn create_workspace(
    w: &Write,
    owner: &user::Model,
    name: &str,
    pack: TradePack,
) -> Result<workspace::Model, AppError> {
    let now = time::now();
    let id = Uuid::now_v7();
    let ws = workspace::Model {
        id,
        name: name.to_string(),
        pack,
        slug: Some(crate::domain::validation::slug(name, id)),
        require_owner_totp: false,
        created_at: now,
        updated_at: now,
    };
    workspace::Entity::insert(workspace::ActiveModel {
        id: Set(ws.id),
        name: Set(ws.name.clone()),
        pack: Set(pack),
        slug: Set(ws.slug.clone()),
        require_owner_totp: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(w)
    .await?;
    let chain = WorkspaceId(ws.id);
    w.audit(
        Audit::of(EventEntity::Workspace, Some(ws.id), EventAction::WorkspaceCreated)
            .on_chain(chain)
            .after(json!({ "name": ws.name, "pack": pack.as_str() })),
    )
    .await?;
    add_member(w, chain, owner, Role::Owner).await?;
    for (position, template) in pack.default_pipelines().iter().enumerate() {
        let pipeline_id = Uuid::now_v7();
        pipeline::Entity::insert(pipeline::ActiveModel {
            id: Set(pipeline_id),
            workspace_id: Set(ws.id),
            name: Set(template.name.to_string()),
            position: Set(position as i32),
            created_at: Set(now),
        })
        .exec_without_returning(w)
        .await?;
        for (index, s) in template.stages.iter().enumerate() {
            stage::Entity::insert(stage::ActiveModel {
                id: Set(Uuid::now_v7()),
                workspace_id: Set(ws.id),
                pipeline_id: Set(pipeline_id),
                name: Set(s.name.to_string()),
                color: Set(s.color.to_string()),
                kind: Set(s.kind),
                probability: Set(i32::from(s.probability)),
                position: Set(index as i32),
                is_quote_stage: Set(s.is_quote_stage),
                setter_status: Set(s.setter_status.map(str::to_string)),
                created_at: Set(now),
            })
            .exec_without_returning(w)
            .await?;
        }
        let stages: Vec<&str> = template.stages.iter().map(|s| s.name).collect();
        w.audit(
            Audit::of(EventEntity::Pipeline, Some(pipeline_id), EventAction::PipelineCreated)
                .on_chain(chain)
                .after(json!({ "name": template.name, "stages": stages })),
        )
        .await?;
    }
    Ok(ws)
}

/// Adds `user` to the workspace with `role`, recording the event.
pub async fn add_member(w: &Write, chain: WorkspaceId, user: &user::Model, role: Role) -> Result<Uuid, AppError> {
    let id = Uuid::now_v7();
    member::Entity::insert(member::ActiveModel {
        id: Set(id),
        workspace_id: Set(chain.0),
        user_id: Set(user.id),
        role: Set(role),
        created_at: Set(time::now()),
    })
    .exec_without_returning(w)
    .await?;
    w.audit(
        Audit::of(EventEntity::Member, Some(id), EventAction::MemberAdded)
            .on_chain(chain)
            .after(json!({ "user": user.email, "role": role.as_str() })),
    )
    .await?;
    Ok(id)
}

/// Every workspace of a user, oldest membership first.
pub async fn list_for_user(db: &DatabaseConnection, user_id: Uuid) -> Result<Vec<WorkspaceSummary>, AppError> {
    let memberships = member::Entity::find()
        .filter(member::Column::UserId.eq(user_id))
        .order_by_asc(member::Column::CreatedAt)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = memberships.iter().map(|m| m.workspace_id).collect();
    let spaces = workspace::Entity::find()
        .filter(workspace::Column::Id.is_in(ids))
        .all(db)
        .await?;
    Ok(memberships
        .iter()
        .filter_map(|m| {
            spaces
                .iter()
                .find(|w| w.id == m.workspace_id)
                .map(|w| WorkspaceSummary {
                    id: crate::domain::WorkspaceId(w.id),
                    name: w.name.clone(),
                    pack: w.pack,
                    role: m.role,
                })
        })
        .collect())
}

/// Moves the session to another workspace of the user.
pub async fn switch(w: &Write, current: &SessionUser, workspace_id: Uuid) -> Result<(), AppError> {
    let membership = member::Entity::find()
        .filter(member::Column::UserId.eq(current.user.id))
        .filter(member::Column::WorkspaceId.eq(workspace_id))
        .one(w)
        .await?;
    if membership.is_none() {
        return Err(AppError::NotFound);
    }
    session::set_workspace(w, current.session.id, workspace_id).await?;
    w.audit(
        Audit::of(
            EventEntity::Session,
            Some(current.session.id),
            EventAction::WorkspaceOpened,
        )
        .on_chain(WorkspaceId(workspace_id)),
    )
    .await?;
    Ok(())
}

/// Creates another workspace for a signed-in user and switches to it.
pub async fn create_additional(w: &Write, current: &SessionUser, name: &str, pack: &str) -> Result<Uuid, AppError> {
    let mut errors = FieldErrors::new();
    let name = errors.check("name", WorkspaceName::parse(name));
    let pack = errors.check("pack", TradePack::parse(pack).ok_or("Choisissez votre métier."));
    let (Some(name), Some(pack)) = (name, pack) else {
        return Err(AppError::Validation(errors));
    };
    let ws = create_workspace(w, &current.user, name.as_str(), pack).await?;
    session::set_workspace(w, current.session.id, ws.id).await?;
    Ok(ws.id)
}

/// Members and pending invitations of the scope's workspace.
pub async fn members_page(db: &DatabaseConnection, scope: &Scope) -> Result<MembersPage, AppError> {
    let members = member::Entity::find()
        .filter(member::Column::WorkspaceId.eq(scope.workspace_id.0))
        .order_by_asc(member::Column::CreatedAt)
        .all(db)
        .await?;
    let user_ids: Vec<Uuid> = members.iter().map(|m| m.user_id).collect();
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(user_ids))
        .all(db)
        .await?;
    let mut rows: Vec<MemberRow> = members
        .iter()
        .filter_map(|m| {
            users.iter().find(|u| u.id == m.user_id).map(|u| MemberRow {
                id: crate::domain::MemberId(m.id),
                name: u.name.clone(),
                email: u.email.clone(),
                role: m.role,
                joined_at: time::display(m.created_at),
                is_me: m.id == scope.member_id.0,
                totp_enabled: u.totp_enabled_at.is_some(),
            })
        })
        .collect();
    rows.sort_by_key(|r| Role::ALL.iter().position(|x| *x == r.role));
    let now = time::now();
    let pending = invitation::Entity::find()
        .filter(invitation::Column::WorkspaceId.eq(scope.workspace_id.0))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .filter(invitation::Column::ExpiresAt.gt(now))
        .order_by_desc(invitation::Column::CreatedAt)
        .all(db)
        .await?;
    let inviter_ids: Vec<Uuid> = pending.iter().map(|i| i.invited_by_user_id).collect();
    let inviters = user::Entity::find()
        .filter(user::Column::Id.is_in(inviter_ids))
        .all(db)
        .await?;
    let invitations = pending
        .iter()
        .map(|i| InvitationRow {
            id: crate::domain::InvitationId(i.id),
            email: i.email.clone(),
            role: i.role,
            invited_by: inviters
                .iter()
                .find(|u| u.id == i.invited_by_user_id)
                .map(|u| u.name.clone())
                .unwrap_or_default(),
            expires_at: time::display(i.expires_at),
        })
        .collect();
    Ok(MembersPage {
        members: rows,
        invitations,
        my_role: scope.role,
    })
}

/// Invites someone by email (re-issuing any pending invitation for that address).
pub async fn invite(w: &Write, scope: &Scope, email: &str, role: &str) -> Result<Uuid, AppError> {
    scope.require(Role::can_manage_members)?;
    let mut errors = FieldErrors::new();
    let email = errors.check("email", Email::parse(email));
    let role = errors.check("role", Role::parse(role).ok_or("Choisissez un rôle."));
    let (Some(email), Some(role)) = (email, role) else {
        return Err(AppError::Validation(errors));
    };
    if !scope.role.can_assign(role) {
        return Err(AppError::field(
            "role",
            "Seul un propriétaire peut inviter un autre propriétaire.",
        ));
    }
    let ws = workspace::Entity::find_by_id(scope.workspace_id.0)
        .one(w)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Some(existing) = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(w)
        .await?
    {
        let already = member::Entity::find()
            .filter(member::Column::WorkspaceId.eq(ws.id))
            .filter(member::Column::UserId.eq(existing.id))
            .one(w)
            .await?;
        if already.is_some() {
            return Err(AppError::field("email", "Cette personne fait déjà partie de l'espace."));
        }
    }
    let now = time::now();
    let token = crypto::random_token();
    crate::outbox::sending::authorise(w, w.state().config.mail_quota, scope, 1).await?;
    invitation::Entity::update_many()
        .col_expr(invitation::Column::RevokedAt, now.into())
        .filter(invitation::Column::WorkspaceId.eq(ws.id))
        .filter(invitation::Column::Email.eq(email.as_str()))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .exec(w)
        .await?;
    let id = Uuid::now_v7();
    invitation::Entity::insert(invitation::ActiveModel {
        id: Set(id),
        workspace_id: Set(ws.id),
        email: Set(email.as_str().to_string()),
        role: Set(role),
        token_hash: Set(crypto::sha256_hex(&token)),
        invited_by_user_id: Set(scope.user_id.0),
        expires_at: Set(now + INVITATION_TTL),
        accepted_at: Set(None),
        revoked_at: Set(None),
        created_at: Set(now),
    })
    .exec_without_returning(w)
    .await?;
    let link = w.state().config.link(&format!("/invite/{token}"));
    outbox::enqueue(
        w,
        NewEmail {
            workspace_id: Some(ws.id),
            to: email.as_str().to_string(),
            to_user_id: None,
            kind: EmailKind::Invitation,
            content: templates::invitation(
                &scope.user_name,
                &ws.name,
                role.label(),
                &link,
                INVITATION_TTL.num_days(),
            ),
            contains_secret: true,
            attachment: None,
        },
    )
    .await?;
    w.audit(
        Audit::of(EventEntity::Invitation, Some(id), EventAction::MemberInvited)
            .after(json!({ "email": email.as_str(), "role": role.as_str() })),
    )
    .await?;
    w.emit(DomainEvent::MemberInvited {
        invitation: InvitationId(id),
        role,
    })
    .await?;
    Ok(id)
}

async fn member_in_scope(db: &impl ConnectionTrait, scope: &Scope, member_id: Uuid) -> Result<member::Model, AppError> {
    member::Entity::find_by_id(member_id)
        .filter(member::Column::WorkspaceId.eq(scope.workspace_id.0))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

async fn owner_count(db: &impl ConnectionTrait, workspace_id: Uuid) -> Result<u64, AppError> {
    Ok(member::Entity::find()
        .filter(member::Column::WorkspaceId.eq(workspace_id))
        .filter(member::Column::Role.eq(Role::Owner))
        .count(db)
        .await?)
}

/// Serialises membership changes of one workspace: the row lock (PostgreSQL)
/// or the write lock (SQLite) makes two owners demoting or removing each other
/// at once run one after the other, so the last-owner rule sees the truth.
/// Returns the caller's role as it is now (it may have changed meanwhile).
async fn lock_members(txn: &DatabaseTransaction, scope: &Scope) -> Result<Role, AppError> {
    workspace::Entity::update_many()
        .col_expr(workspace::Column::UpdatedAt, time::now().into())
        .filter(workspace::Column::Id.eq(scope.workspace_id.0))
        .exec(txn)
        .await?;
    Ok(member_in_scope(txn, scope, scope.member_id.0).await?.role)
}

const LAST_OWNER: &str = "L'espace doit garder au moins un propriétaire : nommez-en un autre d'abord.";

/// Changes a member's role.
pub async fn change_role(w: &Write, scope: &Scope, member_id: Uuid, role: &str) -> Result<(), AppError> {
    let role = Role::parse(role).ok_or_else(|| AppError::field("role", "Choisissez un rôle."))?;
    let actor_role = lock_members(w, scope).await?;
    let target = member_in_scope(w, scope, member_id).await?;
    if !actor_role.can_manage_members() || !actor_role.can_assign(target.role) || !actor_role.can_assign(role) {
        return Err(AppError::Forbidden);
    }
    if target.role == role {
        return Ok(());
    }
    if target.role == Role::Owner && owner_count(w, scope.workspace_id.0).await? <= 1 {
        return Err(AppError::Conflict(LAST_OWNER.into()));
    }
    member::Entity::update(member::ActiveModel {
        id: Set(target.id),
        role: Set(role),
        ..Default::default()
    })
    .exec(w)
    .await?;
    w.audit(
        Audit::of(EventEntity::Member, Some(target.id), EventAction::MemberRoleChanged)
            .before(json!({ "role": target.role.as_str() }))
            .after(json!({ "role": role.as_str() })),
    )
    .await?;
    w.emit(DomainEvent::MemberRoleChanged {
        member: MemberId(target.id),
        role,
    })
    .await?;
    Ok(())
}

/// Removes a member (or lets a member leave).
pub async fn remove(w: &Write, scope: &Scope, member_id: Uuid) -> Result<(), AppError> {
    let actor_role = lock_members(w, scope).await?;
    let target = member_in_scope(w, scope, member_id).await?;
    let leaving = target.id == scope.member_id.0;
    if !leaving && (!actor_role.can_manage_members() || !actor_role.can_assign(target.role)) {
        return Err(AppError::Forbidden);
    }
    if target.role == Role::Owner && owner_count(w, scope.workspace_id.0).await? <= 1 {
        return Err(AppError::Conflict(LAST_OWNER.into()));
    }
    let removed = user::Entity::find_by_id(target.user_id).one(w).await?;
    member::Entity::delete_by_id(target.id).exec(w).await?;
    w.audit(
        Audit::of(EventEntity::Member, Some(target.id), EventAction::MemberRemoved)
            .before(json!({ "user": removed.map(|u| u.email), "role": target.role.as_str() })),
    )
    .await?;
    w.emit(DomainEvent::MemberRemoved {
        member: MemberId(target.id),
    })
    .await?;
    Ok(())
}

/// Withdraws a pending invitation.
pub async fn revoke(w: &Write, scope: &Scope, invitation_id: Uuid) -> Result<(), AppError> {
    let found = invitation::Entity::find_by_id(invitation_id)
        .filter(invitation::Column::WorkspaceId.eq(scope.workspace_id.0))
        .one(w)
        .await?
        .ok_or(AppError::NotFound)?;
    scope.require(Role::can_manage_members)?;
    if !scope.role.can_assign(found.role) {
        return Err(AppError::Forbidden);
    }
    if found.accepted_at.is_some() || found.revoked_at.is_some() {
        return Err(AppError::Conflict("Cette invitation n'est plus en attente.".into()));
    }
    invitation::Entity::update(invitation::ActiveModel {
        id: Set(found.id),
        revoked_at: Set(Some(time::now())),
        ..Default::default()
    })
    .exec(w)
    .await?;
    w.audit(
        Audit::of(EventEntity::Invitation, Some(found.id), EventAction::InvitationRevoked)
            .before(json!({ "email": found.email, "role": found.role.as_str() })),
    )
    .await?;
    Ok(())
}

pub(crate) const INVITATION_GONE: &str =
    "Cette invitation n'est plus valable (expirée, annulée ou déjà utilisée). Demandez-en une nouvelle.";

pub(crate) async fn live_invitation(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<(invitation::Model, workspace::Model), AppError> {
    let found = invitation::Entity::find()
        .filter(invitation::Column::TokenHash.eq(crypto::sha256_hex(token)))
        .one(db)
        .await?
        .filter(|i| i.accepted_at.is_none() && i.revoked_at.is_none() && i.expires_at > time::now())
        .ok_or_else(|| AppError::Conflict(INVITATION_GONE.into()))?;
    let ws = workspace::Entity::find_by_id(found.workspace_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((found, ws))
}

/// What the invitation page shows.
pub async fn invitation_info(
    state: &AppState,
    token: &str,
    current: Option<&SessionUser>,
) -> Result<InvitationInfo, AppError> {
    let meta = request::current_meta(state)?;
    state
        .limit(format!("token-ip:{}", meta.limit_key()), rate_limit::TOKEN_PER_IP)
        .await?;
    let (inv, ws) = live_invitation(&state.db, token).await?;
    let inviter = user::Entity::find_by_id(inv.invited_by_user_id).one(&state.db).await?;
    let account_exists = user::Entity::find()
        .filter(user::Column::Email.eq(inv.email.clone()))
        .one(&state.db)
        .await?
        .is_some();
    Ok(InvitationInfo {
        workspace_name: ws.name,
        inviter_name: inviter.map(|u| u.name).unwrap_or_default(),
        role: inv.role,
        email: inv.email,
        account_exists,
        signed_in_as: current.map(|c| c.user.email.clone()),
    })
}

/// Current settings.
pub async fn settings(db: &DatabaseConnection, scope: &Scope) -> Result<WorkspaceSettings, AppError> {
    let ws = workspace::Entity::find_by_id(scope.workspace_id.0)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(WorkspaceSettings {
        name: ws.name,
        require_owner_totp: ws.require_owner_totp,
        pack: ws.pack,
    })
}

/// Changes the name and security policy (owners only).
pub async fn update_settings(w: &Write, scope: &Scope, name: &str, require_owner_totp: bool) -> Result<(), AppError> {
    scope.require(Role::can_manage_workspace)?;
    let name = WorkspaceName::parse(name).map_err(|m| AppError::field("name", m))?;
    if require_owner_totp {
        let me = user::Entity::find_by_id(scope.user_id.0)
            .one(w)
            .await?
            .ok_or(AppError::NotFound)?;
        if me.totp_enabled_at.is_none() {
            return Err(AppError::field(
                "require_owner_totp",
                "Activez d'abord la double authentification sur votre propre compte (page Sécurité).",
            ));
        }
    }
    let ws = workspace::Entity::find_by_id(scope.workspace_id.0)
        .one(w)
        .await?
        .ok_or(AppError::NotFound)?;
    if ws.name == name.as_str() && ws.require_owner_totp == require_owner_totp {
        return Ok(());
    }
    workspace::Entity::update(workspace::ActiveModel {
        id: Set(ws.id),
        name: Set(name.as_str().to_string()),
        require_owner_totp: Set(require_owner_totp),
        updated_at: Set(time::now()),
        ..Default::default()
    })
    .exec(w)
    .await?;
    w.audit(
        Audit::of(
            EventEntity::Workspace,
            Some(ws.id),
            EventAction::WorkspaceSettingsChanged,
        )
        .before(json!({ "name": ws.name, "require_owner_totp": ws.require_owner_totp }))
        .after(json!({ "name": name.as_str(), "require_owner_totp": require_owner_totp })),
    )
    .await?;
    Ok(())
}

/// The workspace home page.
pub async fn overview(db: &DatabaseConnection, scope: &Scope) -> Result<Overview, AppError> {
    let ws = workspace::Entity::find_by_id(scope.workspace_id.0)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let member_count = member::Entity::find()
        .filter(member::Column::WorkspaceId.eq(ws.id))
        .count(db)
        .await?;
    let pending_invitations = invitation::Entity::find()
        .filter(invitation::Column::WorkspaceId.eq(ws.id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .filter(invitation::Column::ExpiresAt.gt(time::now()))
        .count(db)
        .await?;
    let pipelines = pipeline::Entity::find()
        .filter(pipeline::Column::WorkspaceId.eq(ws.id))
        .order_by_asc(pipeline::Column::Position)
        .all(db)
        .await?;
    let stages = stage::Entity::find()
        .filter(stage::Column::WorkspaceId.eq(ws.id))
        .order_by_asc(stage::Column::Position)
        .all(db)
        .await?;
    let pipelines = pipelines
        .into_iter()
        .map(|p| PipelineView {
            id: crate::domain::PipelineId(p.id),
            name: p.name,
            stages: stages
                .iter()
                .filter(|s| s.pipeline_id == p.id)
                .map(StageView::from)
                .collect(),
        })
        .collect();
    let recent_events = if scope.role.can_view_audit() {
        Some(crate::audit::service::recent(db, scope.workspace_id, 6).await?)
    } else {
        None
    };
    let me = user::Entity::find_by_id(scope.user_id.0).one(db).await?;
    Ok(Overview {
        name: ws.name,
        pack: ws.pack,
        labels: ws.pack.labels(),
        role: scope.role,
        member_count,
        pending_invitations,
        pipelines,
        recent_events,
        totp_enabled: me.and_then(|u| u.totp_enabled_at).is_some(),
        require_owner_totp: ws.require_owner_totp,
    })
}
