//! Server functions of sign-up and sign-in. Each one authorises, calls the
//! service and lets `AppError` carry the outcome.

use super::{Me, SignInOutcome, TokenInfo, TotpSetup};
use crate::error::AppError;
use leptos::prelude::*;

/// Creates an account and its workspace, then signs in.
#[server(endpoint = "sign_up")]
pub async fn sign_up(
    name: String,
    email: String,
    password: String,
    workspace_name: String,
    pack: String,
    consent: Option<String>,
) -> Result<SignInOutcome, AppError> {
    use crate::infra::{request, state::app_state};
    let state = app_state()?;
    let meta = request::current_meta(&state)?;
    let input = super::service::SignUp {
        name,
        email,
        password,
        workspace_name,
        pack,
        consent: consent.is_some(),
    };
    super::service::sign_up(&state, &meta, input).await
}

/// Signs in with email and password.
#[server(endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String, next: Option<String>) -> Result<SignInOutcome, AppError> {
    use crate::infra::{request, state::app_state};
    let state = app_state()?;
    let meta = request::current_meta(&state)?;
    super::service::sign_in(&state, &meta, &email, &password, next.as_deref()).await
}

/// Checks the second factor of a pending sign-in.
#[server(endpoint = "verify_second_factor")]
pub async fn verify_second_factor(code: String) -> Result<SignInOutcome, AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let pending = scope::any_session(&state).await?;
    super::second_factor::verify_second_factor(&state, &pending, &code).await
}

/// Emails a sign-in link (same answer whether or not the account exists).
#[server(endpoint = "request_magic_link")]
pub async fn request_magic_link(email: String) -> Result<(), AppError> {
    use crate::infra::{request, state::app_state};
    let state = app_state()?;
    let meta = request::current_meta(&state)?;
    super::links::request_magic_link(&state, &meta, &email).await
}

/// Who a sign-in link is for, without using it.
#[server(endpoint = "magic_link_info")]
pub async fn magic_link_info(token: String) -> Result<TokenInfo, AppError> {
    use crate::infra::entity::auth_token::TokenPurpose;
    use crate::infra::{request, state::app_state};
    let state = app_state()?;
    let meta = request::current_meta(&state)?;
    super::links::token_info(&state, &meta, &token, TokenPurpose::MagicLink).await
}

/// Signs in with a sign-in link.
#[server(endpoint = "consume_magic_link")]
pub async fn consume_magic_link(token: String) -> Result<SignInOutcome, AppError> {
    use crate::infra::{request, state::app_state};
    let state = app_state()?;
    let meta = request::current_meta(&state)?;
    super::links::consume_magic_link(&state, &meta, &token).await
}

/// Emails a password reset link (same answer whether or not the account exists).
#[server(endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use crate::infra::{request, state::app_state};
    let state = app_state()?;
    let meta = request::current_meta(&state)?;
    super::links::request_password_reset(&state, &meta, &email).await
}

/// Who a reset link is for, without using it.
#[server(endpoint = "reset_link_info")]
pub async fn reset_link_info(token: String) -> Result<TokenInfo, AppError> {
    use crate::infra::entity::auth_token::TokenPurpose;
    use crate::infra::{request, state::app_state};
    let state = app_state()?;
    let meta = request::current_meta(&state)?;
    super::links::token_info(&state, &meta, &token, TokenPurpose::PasswordReset).await
}

/// Chooses a new password with a reset link.
#[server(endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    use crate::infra::{request, state::app_state};
    let state = app_state()?;
    let meta = request::current_meta(&state)?;
    super::links::reset_password(&state, &meta, &token, &password).await
}

/// Changes the password of the signed-in user.
#[server(endpoint = "change_password")]
pub async fn change_password(current_password: String, new_password: String) -> Result<(), AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let current = scope::session_user(&state).await?;
    super::service::change_password(&state, &current, &current_password, &new_password).await
}

/// Signs out.
#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    match scope::any_session(&state).await {
        Ok(current) => super::service::sign_out(&state, &current).await,
        Err(AppError::Unauthenticated) => Ok(()),
        Err(e) => Err(e),
    }
}

/// The signed-in user, or `None`.
#[server(endpoint = "current_user")]
pub async fn current_user() -> Result<Option<Me>, AppError> {
    use crate::infra::state::app_state;
    let state = app_state()?;
    super::service::me(&state).await
}

/// Starts TOTP enrolment (or re-enrolment): `password` is the account's
/// password, or a current code when TOTP is already on.
#[server(endpoint = "start_totp_enrolment")]
pub async fn start_totp_enrolment(password: Option<String>) -> Result<TotpSetup, AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let current = scope::session_user(&state).await?;
    super::second_factor::start_totp(&state, &current, password.as_deref().unwrap_or_default()).await
}

/// Confirms TOTP enrolment; returns recovery codes, shown once.
#[server(endpoint = "confirm_totp_enrolment")]
pub async fn confirm_totp_enrolment(code: String) -> Result<Vec<String>, AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let current = scope::session_user(&state).await?;
    super::second_factor::confirm_totp(&state, &current, &code).await
}

/// Turns TOTP off (`password`: the password or a current code).
#[server(endpoint = "disable_totp")]
pub async fn disable_totp(password: Option<String>) -> Result<(), AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let current = scope::session_user(&state).await?;
    super::second_factor::disable_totp(&state, &current, password.as_deref().unwrap_or_default()).await
}

/// Mails a new link proving the signed-in account's address.
#[server(endpoint = "resend_verification")]
pub async fn resend_verification() -> Result<(), AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let current = scope::session_user(&state).await?;
    super::links::resend_verification(&state, &current).await
}

/// Proves an address with the link from the verification email; returns it.
#[server(endpoint = "confirm_email")]
pub async fn confirm_email(token: String) -> Result<String, AppError> {
    use crate::infra::{request, scope, state::app_state};
    let state = app_state()?;
    let meta = request::current_meta(&state)?;
    let current = scope::session_user(&state).await.ok();
    super::links::confirm_email(&state, current.as_ref(), &meta, &token).await
}
