//! Sign-up, sign-in, links, password reset and second factor.

use super::{CONSENT_VERSION, Me, SignInOutcome, TokenInfo, TotpSetup, safe_next, totp};
use crate::audit::{EventAction, EventEntity};
use crate::domain::{Email, Password, PersonName, TotpCode, TradePack, WorkspaceId, WorkspaceName};
use crate::error::{AppError, FieldErrors};
use crate::infra::entity::auth_token::{self, TokenPurpose};
use crate::infra::entity::{member, user, workspace};
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

fn limit(state: &AppState, key: String, limit: Limit) -> Result<(), AppError> {
    state.limiter.check(&key, limit, state.config.rate_limit_factor)
}

fn ip_key(meta: &RequestMeta) -> String {
    meta.ip.clone().unwrap_or_else(|| "unknown".into())
}

async fn hash_password(password: Password) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || crypto::hash_password(password.expose()))
        .await
        .map_err(|e| {
            tracing::error!(%e, "password hashing task failed");
            AppError::Internal
        })?
        .map_err(|e| {
            tracing::error!(%e, "password hashing failed");
            AppError::Internal
        })
}

async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || crypto::verify_password(&password, &hash))
        .await
        .unwrap_or(false)
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
    limit(state, format!("signup:{}", ip_key(meta)), rate_limit::SIGN_IN_PER_IP)?;
    if find_user_by_email(&state.db, email.as_str()).await?.is_some() {
        return Err(AppError::field(
            "email",
            "Un compte existe déjà avec cette adresse : connectez-vous ou demandez un nouveau mot de passe.",
        ));
    }
    let hash = hash_password(password).await?;
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
    let outcome = open_session(state, &txn, &user, meta, "sign_up").await?;
    txn.commit().await?;
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
    limit(state, format!("signin-ip:{}", ip_key(meta)), rate_limit::SIGN_IN_PER_IP)?;
    let email_key = format!("signin-email:{}", email.as_str());
    limit(state, email_key.clone(), rate_limit::SIGN_IN_PER_EMAIL)?;
    let user = find_user_by_email(&state.db, email.as_str()).await?;
    let hash = user
        .as_ref()
        .and_then(|u| u.password_hash.clone())
        .unwrap_or_else(|| crypto::dummy_password_hash().into());
    let valid = verify_password(password.to_string(), hash).await;
    let Some(user) = user.filter(|u| valid && u.password_hash.is_some()) else {
        return Err(AppError::field("password", "Adresse e-mail ou mot de passe incorrect."));
    };
    state.limiter.reset(&email_key);
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
    limit(state, format!("link-ip:{}", ip_key(meta)), rate_limit::LINK_PER_IP)?;
    limit(
        state,
        format!("link-email:{}", email.as_str()),
        rate_limit::LINK_PER_EMAIL,
    )?;
    // Same answer whether or not the account exists: no account enumeration.
    let Some(user) = find_user_by_email(&state.db, email.as_str()).await? else {
        return Ok(());
    };
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
    };
    let link = state.config.link(&format!("{path}{token}"));
    let content = match purpose {
        TokenPurpose::MagicLink => templates::magic_link(&user.name, &link, ttl.num_minutes()),
        TokenPurpose::PasswordReset => templates::password_reset(&user.name, &link, ttl.num_minutes()),
    };
    let txn = db::begin_write(&state.db).await?;
    let token_id = Uuid::now_v7();
    auth_token::Entity::insert(auth_token::ActiveModel {
        id: Set(token_id),
        user_id: Set(user.id),
        purpose: Set(purpose),
        token_hash: Set(crypto::sha256_hex(&token)),
        expires_at: Set(now + ttl),
        used_at: Set(None),
        requested_ip: Set(meta.ip.clone()),
        created_at: Set(now),
    })
    .exec_without_returning(&txn)
    .await?;
    outbox::enqueue(
        &txn,
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
        &txn,
        &actor,
        NewEvent::new(WorkspaceId::PLATFORM, EventEntity::User, Some(user.id), action),
    )
    .await?;
    txn.commit().await?;
    state.wake_jobs();
    Ok(())
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
    limit(state, format!("token-ip:{}", ip_key(meta)), rate_limit::TOKEN_PER_IP)?;
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
    limit(state, format!("token-ip:{}", ip_key(meta)), rate_limit::TOKEN_PER_IP)?;
    let txn = db::begin_write(&state.db).await?;
    let Some((row, user)) = live_token(&txn, token, TokenPurpose::MagicLink).await? else {
        return Err(AppError::Conflict(LINK_EXPIRED.into()));
    };
    if !consume(&txn, &row).await? {
        return Err(AppError::Conflict(LINK_EXPIRED.into()));
    }
    let outcome = open_session(state, &txn, &user, meta, "magic_link").await?;
    txn.commit().await?;
    Ok(outcome)
}

/// Sets a new password from a reset link; closes every session of the account.
pub async fn reset_password(state: &AppState, meta: &RequestMeta, token: &str, password: &str) -> Result<(), AppError> {
    let password = Password::parse(password).map_err(|m| AppError::field("password", m))?;
    limit(state, format!("token-ip:{}", ip_key(meta)), rate_limit::TOKEN_PER_IP)?;
    let hash = hash_password(password).await?;
    let txn = db::begin_write(&state.db).await?;
    let Some((row, user)) = live_token(&txn, token, TokenPurpose::PasswordReset).await? else {
        return Err(AppError::Conflict(LINK_EXPIRED.into()));
    };
    if !consume(&txn, &row).await? {
        return Err(AppError::Conflict(LINK_EXPIRED.into()));
    }
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
    limit(
        state,
        format!("signin-email:{}", current.user.email),
        rate_limit::SIGN_IN_PER_EMAIL,
    )?;
    let stored = current
        .user
        .password_hash
        .clone()
        .unwrap_or_else(|| crypto::dummy_password_hash().into());
    if !verify_password(old.to_string(), stored).await || current.user.password_hash.is_none() {
        return Err(AppError::field("current_password", "Mot de passe actuel incorrect."));
    }
    let hash = hash_password(new).await?;
    let txn = db::begin_write(&state.db).await?;
    set_password(&txn, &current.meta, &current.user, hash, Some(current.session.id)).await?;
    txn.commit().await?;
    state.wake_jobs();
    Ok(())
}

/// Checks the second factor of a pending session and upgrades it (new token).
pub async fn verify_second_factor(
    state: &AppState,
    pending: &SessionUser,
    code: &str,
) -> Result<SignInOutcome, AppError> {
    if !pending.session.mfa_pending {
        return Ok(SignInOutcome::SignedIn {
            redirect: "/app".into(),
        });
    }
    let code = TotpCode::parse(code).map_err(|m| AppError::field("code", m))?;
    limit(
        state,
        format!("totp:{}", pending.session.id),
        rate_limit::TOTP_PER_SESSION,
    )?;
    let user = &pending.user;
    let txn = db::begin_write(&state.db).await?;
    let mut update = user::ActiveModel {
        id: Set(user.id),
        ..Default::default()
    };
    let used_recovery = match code {
        TotpCode::Totp(code) => {
            let secret = user.totp_secret.clone().unwrap_or_default();
            let unix = time::now().timestamp().max(0) as u64;
            let Some(step) = totp::verify(&secret, &code, unix, user.totp_last_step) else {
                return Err(AppError::field(
                    "code",
                    "Code incorrect ou déjà utilisé. Attendez le suivant.",
                ));
            };
            update.totp_last_step = Set(Some(step));
            false
        }
        TotpCode::Recovery(code) => {
            let mut hashes: Vec<String> = user
                .recovery_codes
                .as_deref()
                .and_then(|j| serde_json::from_str(j).ok())
                .unwrap_or_default();
            let hash = crypto::sha256_hex(&code);
            let Some(pos) = hashes.iter().position(|h| *h == hash) else {
                return Err(AppError::field("code", "Code de secours inconnu ou déjà utilisé."));
            };
            hashes.remove(pos);
            update.recovery_codes = Set(Some(serde_json::to_string(&hashes).unwrap_or_default()));
            true
        }
    };
    user::Entity::update(update).exec(&txn).await?;
    session::delete(&txn, pending.session.id).await?;
    let workspace_id = pending.session.workspace_id;
    let (token, created) = session::create(&txn, user.id, workspace_id, false, &pending.meta).await?;
    let actor = pending.actor();
    let chain = workspace_id.map(WorkspaceId).unwrap_or(WorkspaceId::PLATFORM);
    if used_recovery {
        events::record(
            &txn,
            &actor,
            NewEvent::new(chain, EventEntity::User, Some(user.id), EventAction::RecoveryCodeUsed),
        )
        .await?;
    }
    events::record(
        &txn,
        &actor,
        NewEvent::new(chain, EventEntity::Session, Some(created.id), EventAction::SignedIn)
            .after(serde_json::json!({ "via": "second_factor" })),
    )
    .await?;
    txn.commit().await?;
    request::set_cookie(&request::session_cookie(
        Some(&token),
        state.config.secure_cookies,
        session::SESSION_TTL.num_seconds(),
    ));
    state.limiter.reset(&format!("totp:{}", pending.session.id));
    Ok(SignInOutcome::SignedIn {
        redirect: "/app".into(),
    })
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

/// Starts TOTP enrolment: a new pending secret and its QR code.
pub async fn start_totp(state: &AppState, current: &SessionUser) -> Result<TotpSetup, AppError> {
    let secret = totp::new_secret();
    let url = totp::otpauth_url(&secret, &current.user.email).ok_or(AppError::Internal)?;
    let qr_svg = totp::qr_svg(&url).ok_or(AppError::Internal)?;
    user::Entity::update(user::ActiveModel {
        id: Set(current.user.id),
        totp_pending_secret: Set(Some(secret.clone())),
        ..Default::default()
    })
    .exec(&state.db)
    .await?;
    Ok(TotpSetup {
        secret,
        otpauth_url: url,
        qr_svg,
    })
}

/// Confirms enrolment with a first code; returns the recovery codes (shown once).
pub async fn confirm_totp(state: &AppState, current: &SessionUser, code: &str) -> Result<Vec<String>, AppError> {
    let Ok(TotpCode::Totp(code)) = TotpCode::parse(code) else {
        return Err(AppError::field(
            "code",
            "Saisissez le code à 6 chiffres affiché par l'application.",
        ));
    };
    limit(
        state,
        format!("totp:{}", current.session.id),
        rate_limit::TOTP_PER_SESSION,
    )?;
    let fresh = user::Entity::find_by_id(current.user.id)
        .one(&state.db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let Some(secret) = fresh.totp_pending_secret.clone() else {
        return Err(AppError::Conflict(
            "Recommencez l'activation : aucun code en attente.".into(),
        ));
    };
    let unix = time::now().timestamp().max(0) as u64;
    let Some(step) = totp::verify(&secret, &code, unix, None) else {
        return Err(AppError::field(
            "code",
            "Code incorrect. Vérifiez l'heure de votre téléphone et réessayez.",
        ));
    };
    let (codes, hashes) = crypto::recovery_codes();
    let now = time::now();
    let txn = db::begin_write(&state.db).await?;
    user::Entity::update(user::ActiveModel {
        id: Set(fresh.id),
        totp_secret: Set(Some(secret)),
        totp_pending_secret: Set(None),
        totp_enabled_at: Set(Some(now)),
        totp_last_step: Set(Some(step)),
        recovery_codes: Set(Some(serde_json::to_string(&hashes).unwrap_or_default())),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(&txn)
    .await?;
    let chain = current.chain();
    events::record(
        &txn,
        &current.actor(),
        NewEvent::new(chain, EventEntity::User, Some(fresh.id), EventAction::TotpEnabled),
    )
    .await?;
    txn.commit().await?;
    Ok(codes)
}

/// Turns TOTP off after checking the password, unless a workspace the user
/// owns requires it.
pub async fn disable_totp(state: &AppState, current: &SessionUser, password: &str) -> Result<(), AppError> {
    let stored = current
        .user
        .password_hash
        .clone()
        .unwrap_or_else(|| crypto::dummy_password_hash().into());
    limit(
        state,
        format!("signin-email:{}", current.user.email),
        rate_limit::SIGN_IN_PER_EMAIL,
    )?;
    if !verify_password(password.to_string(), stored).await || current.user.password_hash.is_none() {
        return Err(AppError::field("password", "Mot de passe incorrect."));
    }
    let owned = member::Entity::find()
        .filter(member::Column::UserId.eq(current.user.id))
        .filter(member::Column::Role.eq(crate::domain::Role::Owner))
        .all(&state.db)
        .await?;
    let ids: Vec<Uuid> = owned.iter().map(|m| m.workspace_id).collect();
    let enforced = workspace::Entity::find()
        .filter(workspace::Column::Id.is_in(ids))
        .filter(workspace::Column::RequireOwnerTotp.eq(true))
        .one(&state.db)
        .await?;
    if let Some(ws) = enforced {
        return Err(AppError::Conflict(format!(
            "L'espace « {} » exige la double authentification pour ses propriétaires.",
            ws.name
        )));
    }
    let txn = db::begin_write(&state.db).await?;
    user::Entity::update(user::ActiveModel {
        id: Set(current.user.id),
        totp_secret: Set(None),
        totp_pending_secret: Set(None),
        totp_enabled_at: Set(None),
        totp_last_step: Set(None),
        recovery_codes: Set(None),
        updated_at: Set(time::now()),
        ..Default::default()
    })
    .exec(&txn)
    .await?;
    let chain = current.chain();
    events::record(
        &txn,
        &current.actor(),
        NewEvent::new(
            chain,
            EventEntity::User,
            Some(current.user.id),
            EventAction::TotpDisabled,
        ),
    )
    .await?;
    txn.commit().await?;
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
