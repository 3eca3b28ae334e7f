//! Sign-up, sign-in, links, password reset and second factor.

use super::{CONSENT_VERSION, Me, SignInOutcome, safe_next};
use crate::audit::{EventAction, EventEntity};
use crate::domain::{DomainEvent, Email, MemberId, Password, PersonName, TradePack, WorkspaceId, WorkspaceName};
use crate::error::{AppError, FieldErrors};
use crate::infra::entity::auth_token::{self, TokenPurpose};
use crate::infra::entity::{invitation, member, user};
use crate::infra::events::Actor;
use crate::infra::rate_limit;
use crate::infra::request::{self, RequestMeta};
use crate::infra::{AppState, Audit, SessionUser, Write, crypto, scope, session, time};
use crate::outbox::EmailKind;
use crate::outbox::service::{self as outbox, NewEmail};
use crate::outbox::templates;
use crate::workspace::service as workspaces;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, SqlErr};
use uuid::Uuid;

/// The rate-limit key of the client's address.
pub(crate) fn ip_key(meta: &RequestMeta) -> String {
    meta.limit_key()
}

/// Hashes a new password, one per core at a time.
pub async fn hash_password(state: &AppState, password: Password) -> Result<String, AppError> {
    crypto::hash_password_bounded(&state.hashing, password.expose().to_string())
        .await
        .map_err(|e| {
            tracing::error!(%e, "password hashing failed");
            AppError::Internal
        })
}

async fn verify_password(state: &AppState, password: String, hash: String) -> bool {
    crypto::verify_password_bounded(&state.hashing, password, hash).await
}

/// Checks `password` against the account's, counting the attempt against the
/// account's sign-in budget. False for an account without a password.
pub async fn verify_password_of(state: &AppState, user: &user::Model, password: &str) -> Result<bool, AppError> {
    state
        .limit(format!("signin-email:{}", user.email), rate_limit::SIGN_IN_PER_EMAIL)
        .await?;
    let stored = user
        .password_hash
        .clone()
        .unwrap_or_else(|| crypto::dummy_password_hash().into());
    Ok(verify_password(state, password.to_string(), stored).await && user.password_hash.is_some())
}

pub(crate) async fn find_user_by_email(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<user::Model>, AppError> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(db)
        .await?)
}

/// The workspace a new session starts in: the user's oldest membership.
async fn default_workspace(db: &impl ConnectionTrait, user_id: Uuid) -> Result<Option<Uuid>, AppError> {
    Ok(member::Entity::find()
        .filter(member::Column::UserId.eq(user_id))
        .order_by_asc(member::Column::CreatedAt)
        .one(db)
        .await?
        .map(|m| m.workspace_id))
}

/// Opens a session in the envelope, sets the cookie and records the event.
pub(crate) async fn open_session(
    state: &AppState,
    w: &Write,
    user: &user::Model,
    meta: &RequestMeta,
    via: &str,
) -> Result<SignInOutcome, AppError> {
    let workspace_id = default_workspace(w, user.id).await?;
    let mfa_pending = user.totp_enabled_at.is_some();
    let (token, created) = session::create(w, user.id, workspace_id, mfa_pending, meta).await?;
    let ttl = if mfa_pending {
        session::MFA_PENDING_TTL
    } else {
        session::SESSION_TTL
    };
    request::set_cookie(&request::session_cookie(
        Some(&token),
        state.config.secure_cookies,
        ttl.num_seconds(),
    ));
    if mfa_pending {
        return Ok(SignInOutcome::SecondFactor);
    }
    w.act_as(Actor::user(user, meta));
    let chain = workspace_id.map(WorkspaceId).unwrap_or(WorkspaceId::PLATFORM);
    w.audit(
        Audit::of(EventEntity::Session, Some(created.id), EventAction::SignedIn)
            .on_chain(chain)
            .after(serde_json::json!({ "via": via })),
    )
    .await?;
    Ok(SignInOutcome::SignedIn {
        redirect: "/app".into(),
    })
}

/// Input of the sign-up form.
pub struct SignUp {
    /// Full name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Password.
    pub password: String,
    /// Business name.
    pub workspace_name: String,
    /// Trade pack identifier.
    pub pack: String,
    /// Whether the privacy notice was accepted.
    pub consent: bool,
}

/// Creates the user, their workspace (with the pack's pipelines) and a session.
pub async fn sign_up(state: &AppState, meta: &RequestMeta, input: SignUp) -> Result<SignInOutcome, AppError> {
    let mut errors = FieldErrors::new();
    let name = errors.check("name", PersonName::parse(&input.name));
    let email = errors.check("email", Email::parse(&input.email));
    let password = errors.check("password", Password::parse(&input.password));
    let workspace_name = errors.check("workspace_name", WorkspaceName::parse(&input.workspace_name));
    let pack = errors.check("pack", TradePack::parse(&input.pack).ok_or("Choisissez votre métier."));
    if !input.consent {
        errors.push(
            "consent",
            "Vous devez accepter la politique de confidentialité pour créer un compte.",
        );
    }
    let (Some(name), Some(email), Some(password), Some(workspace_name), Some(pack), true) =
        (name, email, password, workspace_name, pack, errors.is_empty())
    else {
        return Err(AppError::Validation(errors));
    };
    state
        .limit(format!("signup:{}", ip_key(meta)), rate_limit::SIGN_IN_PER_IP)
        .await?;
    // Sign-up mails the address (its proof link): the same budget per
    // recipient as sign-in links, so nobody floods an address with sign-ups.
    state
        .limit(format!("link-email:{}", email.as_str()), rate_limit::LINK_PER_EMAIL)
        .await?;
    if find_user_by_email(&state.db, email.as_str()).await?.is_some() {
        return Err(AppError::field(
            "email",
            "Un compte existe déjà avec cette adresse : connectez-vous ou demandez un nouveau mot de passe.",
        ));
    }
    let hash = hash_password(state, password).await?;
    let w = Write::begin(state, Actor::visitor(meta), None).await?;
    let user = user::Model::new_account(email.as_str(), name.as_str(), Some(hash), false);
    let now = user.consent_at;
    if let Err(error) = insert_user(&w, &user).await {
        // Two sign-ups raced on the same address.
        return Err(match error.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                AppError::field("email", "Un compte existe déjà avec cette adresse.")
            }
            _ => error.into(),
        });
    }
    w.act_as(Actor::user(&user, meta));
    let ws = workspaces::create_workspace(&w, &user, workspace_name.as_str(), pack).await?;
    w.act_in(WorkspaceId(ws.id));
    w.audit(Audit::of(EventEntity::User, Some(user.id), EventAction::UserSignedUp).after(
            serde_json::json!({ "email": user.email, "consent_version": CONSENT_VERSION, "consent_at": time::iso(now) }),
        ))
    .await?;
    super::links::mail_token(state, &w, meta, &user, TokenPurpose::EmailVerification).await?;
    let outcome = open_session(state, &w, &user, meta, "sign_up").await?;
    w.commit().await?;
    Ok(outcome)
}

/// Inserts a user row.
pub async fn insert_user(db: &impl ConnectionTrait, u: &user::Model) -> Result<(), DbErr> {
    user::Entity::insert(user::ActiveModel {
        id: Set(u.id),
        email: Set(u.email.clone()),
        name: Set(u.name.clone()),
        password_hash: Set(u.password_hash.clone()),
        is_platform_admin: Set(u.is_platform_admin),
        totp_secret: Set(u.totp_secret.clone()),
        totp_pending_secret: Set(None),
        totp_enabled_at: Set(u.totp_enabled_at),
        totp_last_step: Set(None),
        recovery_codes: Set(u.recovery_codes.clone()),
        consent_at: Set(u.consent_at),
        consent_version: Set(u.consent_version.clone()),
        email_verified_at: Set(u.email_verified_at),
        created_at: Set(u.created_at),
        updated_at: Set(u.updated_at),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Password sign-in.
pub async fn sign_in(
    state: &AppState,
    meta: &RequestMeta,
    email: &str,
    password: &str,
    next: Option<&str>,
) -> Result<SignInOutcome, AppError> {
    let mut errors = FieldErrors::new();
    let email = errors.check("email", Email::parse(email));
    if password.is_empty() {
        errors.push("password", "Saisissez votre mot de passe.");
    }
    let Some(email) = email.filter(|_| errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    state
        .limit(format!("signin-ip:{}", ip_key(meta)), rate_limit::SIGN_IN_PER_IP)
        .await?;
    let email_key = format!("signin-email:{}", email.as_str());
    state.limit(email_key.clone(), rate_limit::SIGN_IN_PER_EMAIL).await?;
    let user = find_user_by_email(&state.db, email.as_str()).await?;
    let hash = user
        .as_ref()
        .and_then(|u| u.password_hash.clone())
        .unwrap_or_else(|| crypto::dummy_password_hash().into());
    let valid = verify_password(state, password.to_string(), hash).await;
    let Some(user) = user.filter(|u| valid && u.password_hash.is_some()) else {
        return Err(AppError::field("password", "Adresse e-mail ou mot de passe incorrect."));
    };
    state.limiter.reset(&email_key).await;
    let w = Write::begin(state, Actor::user(&user, meta), None).await?;
    let outcome = open_session(state, &w, &user, meta, "password").await?;
    w.commit().await?;
    Ok(match outcome {
        SignInOutcome::SignedIn { .. } => SignInOutcome::SignedIn {
            redirect: safe_next(next),
        },
        other => other,
    })
}

pub(crate) async fn set_password(
    w: &Write,
    meta: &RequestMeta,
    user: &user::Model,
    hash: String,
    keep_session: Option<Uuid>,
) -> Result<(), AppError> {
    let now = time::now();
    user::Entity::update(user::ActiveModel {
        id: Set(user.id),
        password_hash: Set(Some(hash)),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(w)
    .await?;
    // Unused reset links die with the old password.
    auth_token::Entity::update_many()
        .col_expr(auth_token::Column::UsedAt, now.into())
        .filter(auth_token::Column::UserId.eq(user.id))
        .filter(auth_token::Column::UsedAt.is_null())
        .exec(w)
        .await?;
    let closed = session::delete_all_for_user(w, user.id, keep_session).await?;
    w.act_as(Actor::user(user, meta));
    w.audit(
        Audit::of(EventEntity::User, Some(user.id), EventAction::PasswordChanged)
            .on_chain(WorkspaceId::PLATFORM)
            .after(serde_json::json!({ "sessions_closed": closed })),
    )
    .await?;
    outbox::enqueue(
        w,
        NewEmail {
            workspace_id: None,
            to: user.email.clone(),
            to_user_id: Some(user.id),
            kind: EmailKind::PasswordChanged,
            content: templates::password_changed(&time::display(now)),
            contains_secret: false,
            attachment: None,
        },
    )
    .await?;
    Ok(())
}

/// Changes the password of the signed-in user after checking the current one.
pub async fn change_password(state: &AppState, current: &SessionUser, old: &str, new: &str) -> Result<(), AppError> {
    let mut errors = FieldErrors::new();
    if old.is_empty() {
        errors.push("current_password", "Saisissez votre mot de passe actuel.");
    }
    let new = errors.check("new_password", Password::parse(new));
    let Some(new) = new.filter(|_| errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    if !verify_password_of(state, &current.user, old).await? {
        return Err(AppError::field("current_password", "Mot de passe actuel incorrect."));
    }
    let hash = hash_password(state, new).await?;
    let w = Write::personal(state, current).await?;
    set_password(&w, &current.meta, &current.user, hash, Some(current.session.id)).await?;
    w.commit().await?;
    Ok(())
}

/// Closes the current session.
pub async fn sign_out(state: &AppState, current: &SessionUser) -> Result<(), AppError> {
    let w = Write::personal(state, current).await?;
    session::delete(&w, current.session.id).await?;
    if !current.session.mfa_pending {
        let chain = current.chain();
        w.audit(Audit::of(EventEntity::Session, Some(current.session.id), EventAction::SignedOut).on_chain(chain))
            .await?;
    }
    w.commit().await?;
    request::set_cookie(&request::session_cookie(None, state.config.secure_cookies, 0));
    Ok(())
}

/// The signed-in user for the interface, or `None`.
pub async fn me(state: &AppState) -> Result<Option<Me>, AppError> {
    let current = match scope::session_user(state).await {
        Ok(current) => current,
        Err(AppError::Unauthenticated) => return Ok(None),
        Err(e) => return Err(e),
    };
    let membership = scope::current_membership(&state.db, &current).await?;
    let workspaces = workspaces::list_for_user(&state.db, current.user.id).await?;
    let must_enroll_totp = membership
        .as_ref()
        .is_some_and(|(m, w)| scope::must_enroll_totp(&current.user, m, w));
    Ok(Some(Me {
        user_id: crate::domain::UserId(current.user.id),
        name: current.user.name.clone(),
        email: current.user.email.clone(),
        email_verified: current.user.email_verified(),
        is_platform_admin: current.user.is_platform_admin,
        totp_enabled: current.user.totp_enabled_at.is_some(),
        workspace: membership.map(|(m, w)| super::CurrentWorkspace {
            id: crate::domain::WorkspaceId(w.id),
            name: w.name.clone(),
            pack: w.pack,
            labels: w.pack.labels(),
            role: m.role,
            require_owner_totp: w.require_owner_totp,
        }),
        workspaces,
        must_enroll_totp,
        local_mail: state.config.mail_transport == crate::infra::config::MailTransport::Local,
    }))
}

/// Input of the invitation form for someone without an account.
pub struct NewAccount {
    /// Full name.
    pub name: String,
    /// Password.
    pub password: String,
    /// Privacy notice accepted.
    pub consent: bool,
}

/// Accepts an invitation: joins with the signed-in account, or creates the
/// account (the link proves the address) and signs in. A sign-in step, so it
/// lives here; the workspace service only knows invitations and members.
pub async fn accept_invitation(
    state: &AppState,
    token: &str,
    current: Option<&SessionUser>,
    account: NewAccount,
) -> Result<SignInOutcome, AppError> {
    let meta = request::current_meta(state)?;
    state
        .limit(format!("token-ip:{}", meta.limit_key()), rate_limit::TOKEN_PER_IP)
        .await?;
    let (inv, ws) = workspaces::live_invitation(&state.db, token).await?;
    let existing = user::Entity::find()
        .filter(user::Column::Email.eq(inv.email.clone()))
        .one(&state.db)
        .await?;
    let new_user = match (current, &existing) {
        (Some(c), _) if c.user.email != inv.email => {
            return Err(AppError::Conflict(format!(
                "Cette invitation est destinée à {}. Déconnectez-vous puis ouvrez à nouveau le lien.",
                inv.email
            )));
        }
        (None, Some(_)) => return Err(AppError::Unauthenticated),
        (None, None) => {
            let mut errors = FieldErrors::new();
            let name = errors.check("name", PersonName::parse(&account.name));
            let password = errors.check("password", Password::parse(&account.password));
            if !account.consent {
                errors.push("consent", "Vous devez accepter la politique de confidentialité.");
            }
            let (Some(name), Some(password), true) = (name, password, errors.is_empty()) else {
                return Err(AppError::Validation(errors));
            };
            let hash = hash_password(state, password).await?;
            Some((name, hash))
        }
        (Some(_), _) => None,
    };
    let now = time::now();
    let w = Write::begin(state, Actor::visitor(&meta), Some(WorkspaceId(ws.id))).await?;
    // Still pending when taken: a revocation or a new invitation landing
    // meanwhile wins.
    let claimed = invitation::Entity::update_many()
        .col_expr(invitation::Column::AcceptedAt, now.into())
        .filter(invitation::Column::Id.eq(inv.id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .filter(invitation::Column::ExpiresAt.gt(now))
        .exec(&w)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(AppError::Conflict(workspaces::INVITATION_GONE.into()));
    }
    let user = match (new_user, current) {
        (Some((name, hash)), _) => {
            let mut u = user::Model::new_account(&inv.email, name.as_str(), Some(hash), false);
            // The link reached the invited address: that proves it.
            u.email_verified_at = Some(now);
            if let Err(error) = insert_user(&w, &u).await {
                // Someone signed up with the address meanwhile.
                return Err(match error.sql_err() {
                    Some(SqlErr::UniqueConstraintViolation(_)) => AppError::Conflict(
                        "Un compte existe déjà avec cette adresse : connectez-vous puis rouvrez le lien.".into(),
                    ),
                    _ => error.into(),
                });
            }
            w.act_as(Actor::user(&u, &meta));
            w.audit(
                Audit::of(EventEntity::User, Some(u.id), EventAction::UserSignedUp)
                    .on_chain(WorkspaceId(ws.id))
                    .after(serde_json::json!({ "email": u.email, "consent_version": CONSENT_VERSION, "via": "invitation" })),
            )
            .await?;
            u
        }
        (None, Some(c)) => {
            // Bound to the invited address (checked above), and the link
            // mailed there proves it.
            w.act_as(Actor::user(&c.user, &meta));
            super::links::mark_verified(&w, &meta, &c.user, super::links::Proof::Holder).await?;
            c.user.clone()
        }
        (None, None) => return Err(AppError::Unauthenticated),
    };
    w.act_as(Actor::user(&user, &meta));
    let already = member::Entity::find()
        .filter(member::Column::WorkspaceId.eq(ws.id))
        .filter(member::Column::UserId.eq(user.id))
        .one(&w)
        .await?;
    if already.is_none() {
        let member = workspaces::add_member(&w, WorkspaceId(ws.id), &user, inv.role).await?;
        w.emit(DomainEvent::MemberJoined {
            member: MemberId(member),
        })
        .await?;
    }
    w.audit(
        Audit::of(EventEntity::Invitation, Some(inv.id), EventAction::InvitationAccepted)
            .on_chain(WorkspaceId(ws.id))
            .after(serde_json::json!({ "email": inv.email, "role": inv.role.as_str() })),
    )
    .await?;
    let outcome = match current {
        Some(c) => {
            session::set_workspace(&w, c.session.id, ws.id).await?;
            SignInOutcome::SignedIn {
                redirect: "/app".into(),
            }
        }
        None => {
            let (token, _) = session::create(&w, user.id, Some(ws.id), false, &meta).await?;
            request::set_cookie(&request::session_cookie(
                Some(&token),
                state.config.secure_cookies,
                session::SESSION_TTL.num_seconds(),
            ));
            SignInOutcome::SignedIn {
                redirect: "/app".into(),
            }
        }
    };
    w.commit().await?;
    Ok(outcome)
}
