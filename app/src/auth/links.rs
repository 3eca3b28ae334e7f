//! Links we mail to an account's address (sign-in, password reset, address
//! proof): each is a single-use token, stored hashed, short-lived, and its use
//! proves the address. The pages they open ask for a click first, so that
//! mail scanners prefetching links do not burn them.

use super::service::{find_user_by_email, hash_password, ip_key, open_session, set_password};
use super::{SignInOutcome, TokenInfo};
use crate::audit::{EventAction, EventEntity};
use crate::domain::{Email, Password, WorkspaceId};
use crate::error::AppError;
use crate::infra::entity::auth_token::{self, TokenPurpose};
use crate::infra::entity::user;
use crate::infra::events::Actor;
use crate::infra::rate_limit;
use crate::infra::request::RequestMeta;
use crate::infra::{AppState, Audit, SessionUser, Write, crypto, time};
use crate::outbox::EmailKind;
use crate::outbox::service::{self as outbox, NewEmail};
use crate::outbox::templates;
use chrono::TimeDelta;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use uuid::Uuid;

/// Lifetime of a sign-in link.
pub const MAGIC_LINK_TTL: TimeDelta = TimeDelta::minutes(15);
/// Lifetime of a password reset link.
pub const RESET_TTL: TimeDelta = TimeDelta::minutes(30);
/// Lifetime of an address-proof link.
pub const VERIFY_TTL: TimeDelta = TimeDelta::hours(48);

async fn issue_link(state: &AppState, meta: &RequestMeta, email: &str, purpose: TokenPurpose) -> Result<(), AppError> {
    let email = Email::parse(email).map_err(|m| AppError::field("email", m))?;
    state
        .limit(format!("link-ip:{}", ip_key(meta)), rate_limit::LINK_PER_IP)
        .await?;
    state
        .limit(format!("link-email:{}", email.as_str()), rate_limit::LINK_PER_EMAIL)
        .await?;
    // Same answer whether or not the account exists: no account enumeration.
    let Some(user) = find_user_by_email(&state.db, email.as_str()).await? else {
        return Ok(());
    };
    let w = Write::begin(state, requester(&user, meta), None).await?;
    mail_token(state, &w, meta, &user, purpose).await?;
    w.commit().await?;
    Ok(())
}

/// Stores a single-use token for `purpose` and mails its link to the
/// account's address, in the caller's transaction.
pub(crate) async fn mail_token(
    state: &AppState,
    w: &Write,
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
        TokenPurpose::MagicLink => templates::magic_link(&link, ttl.num_minutes()),
        TokenPurpose::PasswordReset => templates::password_reset(&link, ttl.num_minutes()),
        TokenPurpose::EmailVerification => templates::email_verification(&link, ttl.num_hours()),
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
    .exec_without_returning(w)
    .await?;
    outbox::enqueue(
        w,
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
    w.audit(
        Audit::of(EventEntity::User, Some(user.id), action)
            .on_chain(WorkspaceId::PLATFORM)
            .by(requester(user, meta)),
    )
    .await?;
    Ok(())
}

/// Whoever asks for a link to an address is known only by that address
/// until they use the link.
fn requester(user: &user::Model, meta: &RequestMeta) -> Actor {
    Actor {
        user_id: None,
        label: user.email.clone(),
        meta: meta.clone(),
    }
}

/// Who proved the address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Proof {
    /// The account's own session used a link mailed to the address: the
    /// person signed in is the mailbox's owner.
    Holder,
    /// Someone not signed in as the account used a sign-in or reset link: the
    /// mailbox's owner takes the account back from whoever registered the
    /// address before proving it.
    Mailbox,
}

/// Marks the account's address as proven (a link mailed to it was used) and
/// returns the account as it is now.
///
/// An account registered with an address its creator never proved may belong
/// to someone else: when the mailbox's owner proves it through a sign-in or
/// reset link ([`Proof::Mailbox`]), every session, unused link, password and
/// second factor set before is dropped, so that whoever squatted the address
/// keeps nothing.
pub(crate) async fn mark_verified(
    w: &Write,
    meta: &RequestMeta,
    user: &user::Model,
    proof: Proof,
) -> Result<user::Model, AppError> {
    if user.email_verified() {
        return Ok(user.clone());
    }
    let now = time::now();
    let mut update = user::Entity::update_many()
        .col_expr(user::Column::EmailVerifiedAt, Some(now).into())
        .col_expr(user::Column::UpdatedAt, now.into())
        .filter(user::Column::Id.eq(user.id))
        .filter(user::Column::EmailVerifiedAt.is_null());
    if proof == Proof::Mailbox {
        update = update
            .col_expr(user::Column::PasswordHash, Option::<String>::None.into())
            .col_expr(user::Column::TotpSecret, Option::<String>::None.into())
            .col_expr(user::Column::TotpPendingSecret, Option::<String>::None.into())
            .col_expr(
                user::Column::TotpEnabledAt,
                Option::<chrono::DateTime<chrono::Utc>>::None.into(),
            )
            .col_expr(user::Column::TotpLastStep, Option::<i64>::None.into())
            .col_expr(user::Column::RecoveryCodes, Option::<String>::None.into());
    }
    let updated = update.exec(w).await?;
    if updated.rows_affected == 1 {
        w.act_as(Actor::user(user, meta));
        let mut sessions_closed = 0;
        if proof == Proof::Mailbox {
            sessions_closed = crate::infra::session::delete_all_for_user(w, user.id, None).await?;
            auth_token::Entity::update_many()
                .col_expr(auth_token::Column::UsedAt, now.into())
                .filter(auth_token::Column::UserId.eq(user.id))
                .filter(auth_token::Column::UsedAt.is_null())
                .exec(w)
                .await?;
        }
        w.audit(
            Audit::of(EventEntity::User, Some(user.id), EventAction::EmailVerified)
                .on_chain(WorkspaceId::PLATFORM)
                .after(serde_json::json!({
                    "email": user.email,
                    "taken_back": proof == Proof::Mailbox,
                    "sessions_closed": sessions_closed,
                })),
        )
        .await?;
    }
    user::Entity::find_by_id(user.id)
        .one(w)
        .await?
        .ok_or(AppError::NotFound)
}

/// Mails a new address-proof link to the signed-in account (nothing when the
/// address is already proven).
pub async fn resend_verification(state: &AppState, current: &SessionUser) -> Result<(), AppError> {
    if current.user.email_verified() {
        return Ok(());
    }
    state
        .limit(format!("verify:{}", current.user.id), rate_limit::VERIFY_PER_USER)
        .await?;
    let w = Write::personal(state, current).await?;
    mail_token(state, &w, &current.meta, &current.user, TokenPurpose::EmailVerification).await?;
    w.commit().await?;
    Ok(())
}

/// Why a confirmation link needs the account's own session.
pub const CONFIRM_SIGNED_IN: &str =
    "Connectez-vous avec le compte de cette adresse pour la confirmer : ce lien ne confirme que votre propre compte.";

/// Proves the address with a link from the verification email, in a
/// session of that account: a mailbox's owner who receives the link for an
/// account someone else created with their address cannot confirm it for them.
pub async fn confirm_email(
    state: &AppState,
    current: Option<&SessionUser>,
    meta: &RequestMeta,
    token: &str,
) -> Result<String, AppError> {
    state
        .limit(format!("token-ip:{}", ip_key(meta)), rate_limit::TOKEN_PER_IP)
        .await?;
    let w = Write::begin(state, Actor::visitor(meta), None).await?;
    let Some((row, user)) = live_token(&w, token, TokenPurpose::EmailVerification).await? else {
        return Err(AppError::Conflict(LINK_EXPIRED.into()));
    };
    if current.is_none_or(|c| c.user.id != user.id) {
        return Err(AppError::Conflict(CONFIRM_SIGNED_IN.into()));
    }
    if !consume(&w, &row).await? {
        return Err(AppError::Conflict(LINK_EXPIRED.into()));
    }
    w.act_as(Actor::user(&user, meta));
    mark_verified(&w, meta, &user, Proof::Holder).await?;
    w.commit().await?;
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
    state
        .limit(format!("token-ip:{}", ip_key(meta)), rate_limit::TOKEN_PER_IP)
        .await?;
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
    state
        .limit(format!("token-ip:{}", ip_key(meta)), rate_limit::TOKEN_PER_IP)
        .await?;
    let w = Write::begin(state, Actor::visitor(meta), None).await?;
    let Some((row, user)) = live_token(&w, token, TokenPurpose::MagicLink).await? else {
        return Err(AppError::Conflict(LINK_EXPIRED.into()));
    };
    if !consume(&w, &row).await? {
        return Err(AppError::Conflict(LINK_EXPIRED.into()));
    }
    w.act_as(Actor::user(&user, meta));
    let user = mark_verified(&w, meta, &user, Proof::Mailbox).await?;
    let outcome = open_session(state, &w, &user, meta, "magic_link").await?;
    w.commit().await?;
    Ok(outcome)
}

/// Sets a new password from a reset link; closes every session of the account.
pub async fn reset_password(state: &AppState, meta: &RequestMeta, token: &str, password: &str) -> Result<(), AppError> {
    let password = Password::parse(password).map_err(|m| AppError::field("password", m))?;
    state
        .limit(format!("token-ip:{}", ip_key(meta)), rate_limit::TOKEN_PER_IP)
        .await?;
    let hash = hash_password(state, password).await?;
    let w = Write::begin(state, Actor::visitor(meta), None).await?;
    let Some((row, user)) = live_token(&w, token, TokenPurpose::PasswordReset).await? else {
        return Err(AppError::Conflict(LINK_EXPIRED.into()));
    };
    if !consume(&w, &row).await? {
        return Err(AppError::Conflict(LINK_EXPIRED.into()));
    }
    w.act_as(Actor::user(&user, meta));
    let user = mark_verified(&w, meta, &user, Proof::Mailbox).await?;
    set_password(&w, meta, &user, hash, None).await?;
    w.commit().await?;
    Ok(())
}
