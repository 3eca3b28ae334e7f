//! The second factor (TOTP, RFC 6238) and its recovery codes.
//!
//! A code is single-use under concurrency: accepting one is a compare-and-set
//! on the account row (`totp_last_step` must still be older, the recovery
//! list must still be the one read), so of two parallel requests carrying
//! the same code exactly one wins. Guesses are limited per session and per
//! account, the account budget surviving new password sign-ins. Enrolling,
//! re-enrolling and disabling ask for the password (or the current code); an
//! account without a password sets one first.

use super::service::verify_password_of;
use super::{SignInOutcome, TotpSetup, totp};
use crate::audit::{EventAction, EventEntity};
use crate::domain::{TotpCode, WorkspaceId};
use crate::error::AppError;
use crate::infra::entity::{member, user, workspace};
use crate::infra::rate_limit;
use crate::infra::request;
use crate::infra::{AppState, Audit, SessionUser, Write, crypto, session, time};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

const CODE_REFUSED: &str = "Code incorrect ou déjà utilisé. Attendez le suivant.";
const RECOVERY_REFUSED: &str = "Code de secours inconnu ou déjà utilisé.";

/// Counts one guess for this session and for the account.
async fn count_guess(state: &AppState, current: &SessionUser) -> Result<(), AppError> {
    state
        .limit(format!("totp:{}", current.session.id), rate_limit::TOTP_PER_SESSION)
        .await?;
    state
        .limit(format!("totp-user:{}", current.user.id), rate_limit::TOTP_PER_USER)
        .await
}

/// Accepts `code` for `user` once: the matched step is written only if no
/// newer or equal step was accepted meanwhile (by a parallel request).
async fn accept_totp(
    db: &impl ConnectionTrait,
    user: &user::Model,
    secret: &str,
    code: &str,
) -> Result<bool, AppError> {
    let unix = time::now().timestamp().max(0) as u64;
    let Some(step) = totp::verify(secret, code, unix, user.totp_last_step) else {
        return Ok(false);
    };
    let claimed = user::Entity::update_many()
        .col_expr(user::Column::TotpLastStep, step.into())
        .filter(user::Column::Id.eq(user.id))
        .filter(
            sea_orm::Condition::any()
                .add(user::Column::TotpLastStep.is_null())
                .add(user::Column::TotpLastStep.lt(step)),
        )
        .exec(db)
        .await?;
    Ok(claimed.rows_affected == 1)
}

/// Spends a recovery code once: the list is replaced only if it is still the
/// one read (another request spending a code changes it).
async fn accept_recovery(db: &impl ConnectionTrait, user: &user::Model, code: &str) -> Result<bool, AppError> {
    let Some(stored) = user.recovery_codes.clone() else {
        return Ok(false);
    };
    let mut hashes: Vec<String> = serde_json::from_str(&stored).unwrap_or_default();
    let hash = crypto::sha256_hex(code);
    let Some(pos) = hashes.iter().position(|h| *h == hash) else {
        return Ok(false);
    };
    hashes.remove(pos);
    let claimed = user::Entity::update_many()
        .col_expr(
            user::Column::RecoveryCodes,
            serde_json::to_string(&hashes).unwrap_or_default().into(),
        )
        .filter(user::Column::Id.eq(user.id))
        .filter(user::Column::RecoveryCodes.eq(stored))
        .exec(db)
        .await?;
    Ok(claimed.rows_affected == 1)
}

/// The account row as it is now (the session's copy may be stale).
async fn fresh(db: &impl ConnectionTrait, current: &SessionUser) -> Result<user::Model, AppError> {
    user::Entity::find_by_id(current.user.id)
        .one(db)
        .await?
        .ok_or(AppError::Unauthenticated)
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
    count_guess(state, pending).await?;
    let w = Write::personal(state, pending).await?;
    let user = fresh(&w, pending).await?;
    let used_recovery = match &code {
        TotpCode::Totp(code) => {
            let secret = user.totp_secret.clone().unwrap_or_default();
            if !accept_totp(&w, &user, &secret, code).await? {
                return Err(AppError::field("code", CODE_REFUSED));
            }
            false
        }
        TotpCode::Recovery(code) => {
            if !accept_recovery(&w, &user, code).await? {
                return Err(AppError::field("code", RECOVERY_REFUSED));
            }
            true
        }
    };
    // One pending session upgrades once, even with two valid codes at once.
    let ended = crate::infra::entity::session::Entity::delete_many()
        .filter(crate::infra::entity::session::Column::Id.eq(pending.session.id))
        .filter(crate::infra::entity::session::Column::MfaPending.eq(true))
        .exec(&w)
        .await?;
    if ended.rows_affected != 1 {
        return Err(AppError::Unauthenticated);
    }
    let workspace_id = pending.session.workspace_id;
    let (token, created) = session::create(&w, user.id, workspace_id, false, &pending.meta).await?;
    let chain = workspace_id.map(WorkspaceId).unwrap_or(WorkspaceId::PLATFORM);
    if used_recovery {
        w.audit(Audit::of(EventEntity::User, Some(user.id), EventAction::RecoveryCodeUsed).on_chain(chain))
            .await?;
    }
    w.audit(
        Audit::of(EventEntity::Session, Some(created.id), EventAction::SignedIn)
            .on_chain(chain)
            .after(serde_json::json!({ "via": "second_factor" })),
    )
    .await?;
    w.commit().await?;
    request::set_cookie(&request::session_cookie(
        Some(&token),
        state.config.secure_cookies,
        session::SESSION_TTL.num_seconds(),
    ));
    state.limiter.reset(&format!("totp:{}", pending.session.id)).await;
    Ok(SignInOutcome::SignedIn {
        redirect: "/app".into(),
    })
}

/// Proves that the person at the keyboard is the account holder before the
/// second factor changes: the password, or (when TOTP is on) a current code.
/// An account with neither must set a password first.
async fn reauthenticate(state: &AppState, current: &SessionUser, proof: &str) -> Result<(), AppError> {
    const FIELD: &str = "password";
    let user = fresh(&state.db, current).await?;
    let proof = proof.trim();
    if user.password_hash.is_none() && user.totp_enabled_at.is_none() {
        // Nothing to ask for, and a stolen session must not be able to lock
        // the owner out with its own authenticator: a password first (set
        // through a link mailed to the address).
        return Err(AppError::field(
            FIELD,
            "Choisissez d'abord un mot de passe (« Mot de passe oublié ? » sur la page de connexion) : il servira à confirmer que c'est bien vous.",
        ));
    }
    if proof.is_empty() {
        return Err(AppError::field(
            FIELD,
            "Confirmez avec votre mot de passe (ou un code de votre application).",
        ));
    }
    if user.totp_enabled_at.is_some()
        && let Ok(TotpCode::Totp(code)) = TotpCode::parse(proof)
    {
        count_guess(state, current).await?;
        let secret = user.totp_secret.clone().unwrap_or_default();
        return if accept_totp(&state.db, &user, &secret, &code).await? {
            Ok(())
        } else {
            Err(AppError::field(FIELD, CODE_REFUSED))
        };
    }
    if verify_password_of(state, &user, proof).await? {
        Ok(())
    } else {
        Err(AppError::field(FIELD, "Mot de passe incorrect."))
    }
}

/// Starts TOTP enrolment (first or again) after re-authentication: a new
/// pending secret and its QR code. The current factor stays until the new one
/// is confirmed.
pub async fn start_totp(state: &AppState, current: &SessionUser, proof: &str) -> Result<TotpSetup, AppError> {
    reauthenticate(state, current, proof).await?;
    let secret = totp::new_secret();
    let url = totp::otpauth_url(&secret, &current.user.email).ok_or(AppError::Internal)?;
    let qr_svg = totp::qr_svg(&url).ok_or(AppError::Internal)?;
    let w = Write::personal(state, current).await?;
    user::Entity::update(user::ActiveModel {
        id: Set(current.user.id),
        totp_pending_secret: Set(Some(secret.clone())),
        ..Default::default()
    })
    .exec(&w)
    .await?;
    w.audit(
        Audit::of(
            EventEntity::User,
            Some(current.user.id),
            EventAction::TotpEnrolmentStarted,
        )
        .on_chain(current.chain()),
    )
    .await?;
    w.commit().await?;
    Ok(TotpSetup {
        secret,
        otpauth_url: url,
        qr_svg,
    })
}

/// Confirms enrolment with a first code of the pending secret; returns the
/// recovery codes (shown once).
pub async fn confirm_totp(state: &AppState, current: &SessionUser, code: &str) -> Result<Vec<String>, AppError> {
    let Ok(TotpCode::Totp(code)) = TotpCode::parse(code) else {
        return Err(AppError::field(
            "code",
            "Saisissez le code à 6 chiffres affiché par l'application.",
        ));
    };
    count_guess(state, current).await?;
    let user = fresh(&state.db, current).await?;
    let Some(secret) = user.totp_pending_secret.clone() else {
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
    let w = Write::personal(state, current).await?;
    // The pending secret is consumed once, and only the one that was checked.
    let enabled = user::Entity::update_many()
        .col_expr(user::Column::TotpSecret, Some(secret.clone()).into())
        .col_expr(user::Column::TotpPendingSecret, Option::<String>::None.into())
        .col_expr(user::Column::TotpEnabledAt, Some(now).into())
        .col_expr(user::Column::TotpLastStep, Some(step).into())
        .col_expr(
            user::Column::RecoveryCodes,
            Some(serde_json::to_string(&hashes).unwrap_or_default()).into(),
        )
        .col_expr(user::Column::UpdatedAt, now.into())
        .filter(user::Column::Id.eq(user.id))
        .filter(user::Column::TotpPendingSecret.eq(secret))
        .exec(&w)
        .await?;
    if enabled.rows_affected != 1 {
        return Err(AppError::Conflict(
            "Recommencez l'activation : aucun code en attente.".into(),
        ));
    }
    let chain = current.chain();
    w.audit(Audit::of(EventEntity::User, Some(user.id), EventAction::TotpEnabled).on_chain(chain))
        .await?;
    w.commit().await?;
    Ok(codes)
}

/// Turns TOTP off after re-authentication, unless a workspace the user owns
/// requires it.
pub async fn disable_totp(state: &AppState, current: &SessionUser, proof: &str) -> Result<(), AppError> {
    reauthenticate(state, current, proof).await?;
    let owned = member::Entity::find()
        .filter(member::Column::UserId.eq(current.user.id))
        .filter(member::Column::Role.eq(crate::domain::Role::Owner))
        .all(&state.db)
        .await?;
    let ids: Vec<uuid::Uuid> = owned.iter().map(|m| m.workspace_id).collect();
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
    let w = Write::personal(state, current).await?;
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
    .exec(&w)
    .await?;
    w.audit(Audit::of(EventEntity::User, Some(current.user.id), EventAction::TotpDisabled).on_chain(current.chain()))
        .await?;
    w.commit().await?;
    Ok(())
}
