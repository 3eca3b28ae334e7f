//! Sign-up, sign-in, links, password reset and second factor.

use super::{CONSENT_VERSION, Me, SignInOutcome, TokenInfo, safe_next};
use crate::audit::{EventAction, EventEntity};
use crate::domain::{Email, Password, PersonName, TradePack, WorkspaceId, WorkspaceName};
use crate::error::{AppError, FieldErrors};
use crate::infra::entity::auth_token::{self, TokenPurpose};
use crate::infra::entity::{member, user};
use crate::infra::events::{self, Actor, NewEvent};
use crate::infra::rate_limit::{self, Limit};
use crate::infra::request::{self, RequestMeta};
use crate::infra::{AppState, SessionUser, crypto, db, scope, session, time};
use crate::outbox::EmailKind;
use crate::outbox::service::{self as outbox, NewEmail};
use crate::outbox::templates;
use crate::workspace::service as workspaces;
use chrono::TimeDelta;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter, QueryOrder,
    SqlErr,
};
use uuid::Uuid;

/// Lifetime of a sign-in link.
pub const MAGIC_LINK_TTL: TimeDelta = TimeDelta::minutes(15);
/// Lifetime of a password reset link.
pub const RESET_TTL: TimeDelta = TimeDelta::minutes(30);
/// Lifetime of an address-proof link.
pub const VERIFY_TTL: TimeDelta = TimeDelta::hours(48);

/// Counts an attempt against `limit` for `key`, in every instance's shared
/// counters. Call it before opening a write transaction: the counter is a
/// write of its own (on SQLite it would wait for the transaction's lock).
pub async fn limit(state: &AppState, key: String, limit: Limit) -> Result<(), AppError> {
    state.limiter.check(&key, limit, state.config.rate_limit_factor).await
}

fn ip_key(meta: &RequestMeta) -> String {
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
    limit(
        state,
        format!("signin-email:{}", user.email),
        rate_limit::SIGN_IN_PER_EMAIL,
    )
    .await?;
    let stored = user
        .password_hash
        .clone()
        .unwrap_or_else(|| crypto::dummy_password_hash().into());
    Ok(verify_password(state, password.to_string(), stored).await && user.password_hash.is_some())
}

async fn find_user_by_email(db: &impl ConnectionTrait, email: &str) -> Result<Option<user::Model>, AppError> {
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

/// Opens a session in `txn`, sets the cookie and records the event.
async fn open_session(
    state: &AppState,
    txn: &DatabaseTransaction,
    user: &user::Model,
    meta: &RequestMeta,
    via: &str,
) -> Result<SignInOutcome, AppError> {
    let workspace_id = default_workspace(txn, user.id).await?;
    let mfa_pending = user.totp_enabled_at.is_some();
    let (token, created) = session::create(txn, user.id, workspace_id, mfa_pending, meta).await?;
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
    let actor = Actor {
        user_id: Some(user.id),
        label: user.name.clone(),
        meta: meta.clone(),
    };
    let chain = workspace_id.map(WorkspaceId).unwrap_or(WorkspaceId::PLATFORM);
    events::record(
        txn,
        &actor,
        NewEvent::new(chain, EventEntity::Session, Some(created.id), EventAction::SignedIn)
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
    limit(state, format!("signup:{}", ip_key(meta)), rate_limit::SIGN_IN_PER_IP).await?;
    if find_user_by_email(&state.db, email.as_str()).await?.is_some() {
        return Err(AppError::field(
            "email",
            "Un compte existe déjà avec cette adresse : connectez-vous ou demandez un nouveau mot de passe.",
        ));
    }
    let hash = hash_password(state, password).await?;
    let txn = db::begin_write(&state.db).await?;
    let user = user::Model::new_account(email.as_str(), name.as_str(), Some(hash), false);
    let now = user.consent_at;
    if let Err(error) = insert_user(&txn, &user).await {
        // Two sign-ups raced on the same address.
        return Err(match error.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                AppError::field("email", "Un compte existe déjà avec cette adresse.")
            }
            _ => error.into(),
        });
    }
    let actor = Actor {
        user_id: Some(user.id),
        label: user.name.clone(),
        meta: meta.clone(),
    };
    let ws = workspaces::create_workspace(&txn, &actor, &user, workspace_name.as_str(), pack).await?;
    events::record(
        &txn,
        &actor,
        NewEvent::new(WorkspaceId(ws.id), EventEntity::User, Some(user.id), EventAction::UserSignedUp).after(
            serde_json::json!({ "email": user.email, "consent_version": CONSENT_VERSION, "consent_at": time::iso(now) }),
        ),
    )
    .await?;
    mail_token(state, &txn, meta, &user, TokenPurpose::EmailVerification).await?;
    let outcome = open_session(state, &txn, &user, meta, "sign_up").await?;
    txn.commit().await?;
    state.wake_jobs();
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
    limit(state, format!("signin-ip:{}", ip_key(meta)), rate_limit::SIGN_IN_PER_IP).await?;
    let email_key = format!("signin-email:{}", email.as_str());
    limit(state, email_key.clone(), rate_limit::SIGN_IN_PER_EMAIL).await?;
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
    let txn = db::begin_write(&state.db).await?;
    let outcome = open_session(state, &txn, &user, meta, "password").await?;
    txn.commit().await?;
    Ok(match outcome {
        SignInOutcome::SignedIn { .. } => SignInOutcome::SignedIn {
            redirect: safe_next(next),
        },
        other => other,
    })
}

async fn issue_link(state: &AppState, meta: &RequestMeta, email: &str, purpose: TokenPurpose) -> Result<(), AppError> {
    let email = Email::parse(email).map_err(|m| AppError::field("email", m))?;
    limit(state, format!("link-ip:{}", ip_key(meta)), rate_limit::LINK_PER_IP).await?;
    limit(
        state,
        format!("link-email:{}", email.as_str()),
        rate_limit::LINK_PER_EMAIL,
    )
    .await?;
    // Same answer whether or not the account exists: no account enumeration.
    let Some(user) = find_user_by_email(&state.db, email.as_str()).await? else {
        return Ok(());
    };
    let txn = db::begin_write(&state.db).await?;
    mail_token(state, &txn, meta, &user, purpose).await?;
    txn.commit().await?;
    state.wake_jobs();
    Ok(())
}

/// Stores a single-use token for `purpose` and mails its link to the
/// account's address, in the caller's transaction.
async fn mail_token(
    state: &AppState,
    txn: &DatabaseTransaction,
    meta: &RequestMeta,
    user: &user::Model,
    purpose: TokenPurpose,
) -> Result<(), AppError> {
    let token = crypto::random_token();
    let now = time::now();
    let (ttl, path, action, kind) = match purpose {
        TokenPurpose::MagicLink => (
            MAGIC_LINK_TTL,
            "/auth/magic/",
            EventAction::MagicLinkRequested,
            EmailKind::MagicLink,
        ),
        TokenPurpose::PasswordReset => (
            RESET_TTL,
            "/auth/reset/",
            EventAction::PasswordResetRequested,
            EmailKind::PasswordReset,
        ),
        TokenPurpose::EmailVerification => (
            VERIFY_TTL,
            "/auth/verify/",
            EventAction::EmailVerificationRequested,
            EmailKind::EmailVerification,
        ),
    };
    let link = state.config.link(&format!("{path}{token}"));
    let content = match purpose {
        TokenPurpose::MagicLink => templates::magic_link(&user.name, &link, ttl.num_minutes()),
        TokenPurpose::PasswordReset => templates::password_reset(&user.name, &link, ttl.num_minutes()),
        TokenPurpose::EmailVerification => templates::email_verification(&user.name, &link, ttl.num_hours()),
    };
    auth_token::Entity::insert(auth_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user.id),
        purpose: Set(purpose),
        token_hash: Set(crypto::sha256_hex(&token)),
        expires_at: Set(now + ttl),
        used_at: Set(None),
        requested_ip: Set(meta.ip.clone()),
        created_at: Set(now),
    })
    .exec_without_returning(txn)
    .await?;
    outbox::enqueue(
        txn,
        NewEmail {
            workspace_id: None,
            to: user.email.clone(),
            to_user_id: Some(user.id),
            kind,
            content,
            contains_secret: true,
            attachment: None,
        },
    )
    .await?;
    let actor = Actor {
        user_id: None,
        label: user.email.clone(),
        meta: meta.clone(),
    };
    events::record(
        txn,
        &actor,
        NewEvent::new(WorkspaceId::PLATFORM, EventEntity::User, Some(user.id), action),
    )
    .await?;
    Ok(())
}

/// Marks the account's address as proven (a link mailed to it was used).
pub(crate) async fn mark_verified(
    txn: &DatabaseTransaction,
    meta: &RequestMeta,
    user: &user::Model,
) -> Result<(), AppError> {
    if user.email_verified() {
        return Ok(());
    }
    let now = time::now();
    let updated = user::Entity::update_many()
        .col_expr(user::Column::EmailVerifiedAt, Some(now).into())
        .filter(user::Column::Id.eq(user.id))
        .filter(user::Column::EmailVerifiedAt.is_null())
        .exec(txn)
        .await?;
    if updated.rows_affected == 1 {
        let actor = Actor {
            user_id: Some(user.id),
            label: user.name.clone(),
            meta: meta.clone(),
        };
        events::record(
            txn,
            &actor,
            NewEvent::new(
                WorkspaceId::PLATFORM,
                EventEntity::User,
                Some(user.id),
                EventAction::EmailVerified,
            )
            .after(serde_json::json!({ "email": user.email })),
        )
        .await?;
    }
    Ok(())
}

/// Mails a new address-proof link to the signed-in account (nothing when the
/// address is already proven).
pub async fn resend_verification(state: &AppState, current: &SessionUser) -> Result<(), AppError> {
    if current.user.email_verified() {
        return Ok(());
    }
    limit(
        state,
        format!("verify:{}", current.user.id),
        rate_limit::VERIFY_PER_USER,
    )
    .await?;
    let txn = db::begin_write(&state.db).await?;
    mail_token(
        state,
        &txn,
        &current.meta,
        &current.user,
        TokenPurpose::EmailVerification,
    )
    .await?;
    txn.commit().await?;
    state.wake_jobs();
    Ok(())
}

/// Proves the address with a link from the verification email.
pub async fn confirm_email(state: &AppState, meta: &RequestMeta, token: &str) -> Result<String, AppError> {
    limit(state, format!("token-ip:{}", ip_key(meta)), rate_limit::TOKEN_PER_IP).await?;
    let txn = db::begin_write(&state.db).await?;
    let Some((row, user)) = live_token(&txn, token, TokenPurpose::EmailVerification).await? else {
        return Err(AppError::Conflict(LINK_EXPIRED.into()));
    };
    if !consume(&txn, &row).await? {
        return Err(AppError::Conflict(LINK_EXPIRED.into()));
    }
    mark_verified(&txn, meta, &user).await?;
    txn.commit().await?;
    Ok(user.email)
}

/// Emails a single-use sign-in link when the account exists.
pub async fn request_magic_link(state: &AppState, meta: &RequestMeta, email: &str) -> Result<(), AppError> {
    issue_link(state, meta, email, TokenPurpose::MagicLink).await
}

/// Emails a password reset link when the account exists.
pub async fn request_password_reset(state: &AppState, meta: &RequestMeta, email: &str) -> Result<(), AppError> {
    issue_link(state, meta, email, TokenPurpose::PasswordReset).await
}

const LINK_EXPIRED: &str = "Ce lien n'est plus valable (déjà utilisé ou expiré). Demandez-en un nouveau.";

async fn live_token(
    db: &impl ConnectionTrait,
    token: &str,
    purpose: TokenPurpose,
) -> Result<Option<(auth_token::Model, user::Model)>, AppError> {
    let now = time::now();
    let Some(row) = auth_token::Entity::find()
        .filter(auth_token::Column::TokenHash.eq(crypto::sha256_hex(token)))
        .filter(auth_token::Column::Purpose.eq(purpose))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if row.used_at.is_some() || row.expires_at <= now {
        return Ok(None);
    }
    Ok(user::Entity::find_by_id(row.user_id).one(db).await?.map(|u| (row, u)))
}

/// Consumes a token: marks it used unless another request did first.
async fn consume(txn: &DatabaseTransaction, row: &auth_token::Model) -> Result<bool, AppError> {
    let result = auth_token::Entity::update_many()
        .col_expr(auth_token::Column::UsedAt, time::now().into())
        .filter(auth_token::Column::Id.eq(row.id))
        .filter(auth_token::Column::UsedAt.is_null())
        .exec(txn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Who a link is for, without using it (the page asks for a click first, so
/// that mail scanners prefetching links do not burn them).
pub async fn token_info(
    state: &AppState,
    meta: &RequestMeta,
    token: &str,
    purpose: TokenPurpose,
) -> Result<TokenInfo, AppError> {
    limit(state, format!("token-ip:{}", ip_key(meta)), rate_limit::TOKEN_PER_IP).await?;
    match live_token(&state.db, token, purpose).await? {
        Some((_, user)) => Ok(TokenInfo {
            name: user.name,
            email: user.email,
        }),
        None => Err(AppError::Conflict(LINK_EXPIRED.into())),
    }
}

/// Signs in with a magic link.
pub async fn consume_magic_link(state: &AppState, meta: &RequestMeta, token: &str) -> Result<SignInOutcome, AppError> {
    limit(state, format!("token-ip:{}", ip_key(meta)), rate_limit::TOKEN_PER_IP).await?;
    let txn = db::begin_write(&state.db).await?;
    let Some((row, user)) = live_token(&txn, token, TokenPurpose::MagicLink).await? else {
        return Err(AppError::Conflict(LINK_EXPIRED.into()));
    };
    if !consume(&txn, &row).await? {
        return Err(AppError::Conflict(LINK_EXPIRED.into()));
    }
    mark_verified(&txn, meta, &user).await?;
    let outcome = open_session(state, &txn, &user, meta, "magic_link").await?;
    txn.commit().await?;
    Ok(outcome)
}

/// Sets a new password from a reset link; closes every session of the account.
pub async fn reset_password(state: &AppState, meta: &RequestMeta, token: &str, password: &str) -> Result<(), AppError> {
    let password = Password::parse(password).map_err(|m| AppError::field("password", m))?;
    limit(state, format!("token-ip:{}", ip_key(meta)), rate_limit::TOKEN_PER_IP).await?;
    let hash = hash_password(state, password).await?;
    let txn = db::begin_write(&state.db).await?;
    let Some((row, user)) = live_token(&txn, token, TokenPurpose::PasswordReset).await? else {
        return Err(AppError::Conflict(LINK_EXPIRED.into()));
    };
    if !consume(&txn, &row).await? {
        return Err(AppError::Conflict(LINK_EXPIRED.into()));
    }
    mark_verified(&txn, meta, &user).await?;
    set_password(&txn, meta, &user, hash, None).await?;
    txn.commit().await?;
    state.wake_jobs();
    Ok(())
}

async fn set_password(
    txn: &DatabaseTransaction,
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
    .exec(txn)
    .await?;
    // Unused reset links die with the old password.
    auth_token::Entity::update_many()
        .col_expr(auth_token::Column::UsedAt, now.into())
        .filter(auth_token::Column::UserId.eq(user.id))
        .filter(auth_token::Column::UsedAt.is_null())
        .exec(txn)
        .await?;
    let closed = session::delete_all_for_user(txn, user.id, keep_session).await?;
    let actor = Actor {
        user_id: Some(user.id),
        label: user.name.clone(),
        meta: meta.clone(),
    };
    events::record(
        txn,
        &actor,
        NewEvent::new(
            WorkspaceId::PLATFORM,
            EventEntity::User,
            Some(user.id),
            EventAction::PasswordChanged,
        )
        .after(serde_json::json!({ "sessions_closed": closed })),
    )
    .await?;
    outbox::enqueue(
        txn,
        NewEmail {
            workspace_id: None,
            to: user.email.clone(),
            to_user_id: Some(user.id),
            kind: EmailKind::PasswordChanged,
            content: templates::password_changed(&user.name, &time::display(now)),
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
    let txn = db::begin_write(&state.db).await?;
    set_password(&txn, &current.meta, &current.user, hash, Some(current.session.id)).await?;
    txn.commit().await?;
    state.wake_jobs();
    Ok(())
}

/// Closes the current session.
pub async fn sign_out(state: &AppState, current: &SessionUser) -> Result<(), AppError> {
    let txn = db::begin_write(&state.db).await?;
    session::delete(&txn, current.session.id).await?;
    if !current.session.mfa_pending {
        let chain = current.chain();
        events::record(
            &txn,
            &current.actor(),
            NewEvent::new(
                chain,
                EventEntity::Session,
                Some(current.session.id),
                EventAction::SignedOut,
            ),
        )
        .await?;
    }
    txn.commit().await?;
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
        user_id: current.user.id,
        name: current.user.name.clone(),
        email: current.user.email.clone(),
        email_verified: current.user.email_verified(),
        is_platform_admin: current.user.is_platform_admin,
        totp_enabled: current.user.totp_enabled_at.is_some(),
        workspace: membership.map(|(m, w)| super::CurrentWorkspace {
            id: w.id,
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
