//! Server functions of the portal. The token is the credential: no session,
//! no workspace id from the client.

use super::{PortalQuote, Verification};
use crate::domain::QuoteId;
use crate::error::AppError;
use leptos::prelude::*;

/// Opens the quote behind a portal link (recorded; the first opening marks it viewed).
#[server(endpoint = "fetch_portal_quote")]
pub async fn fetch_portal_quote(token: String) -> Result<PortalQuote, AppError> {
    use crate::infra::{Write, events::Actor, request, state::app_state};
    let state = app_state()?;
    let meta = request::current_meta(&state)?;
    super::service::limit_client(&state, &meta).await?;
    let w = Write::begin(&state, Actor::visitor(&meta), None).await?;
    let quote = super::service::view(&w, &token).await?;
    w.commit().await?;
    Ok(quote)
}

/// Signs: name, email, the acceptance box and the drawn signature (PNG data URL).
#[server(endpoint = "sign_quote")]
pub async fn sign_quote(
    token: String,
    signer_name: String,
    signer_email: String,
    accepted: Option<String>,
    signature_png: String,
) -> Result<PortalQuote, AppError> {
    use crate::infra::{Write, events::Actor, request, state::app_state};
    let state = app_state()?;
    let meta = request::current_meta(&state)?;
    let input = super::signing::check(&super::signing::SignatureInput {
        signer_name,
        signer_email,
        accepted: accepted.is_some_and(|v| v == "true" || v == "on"),
        signature_png,
    })?;
    super::service::limit_client(&state, &meta).await?;
    let w = Write::begin(&state, Actor::visitor(&meta), None).await?;
    let quote = super::signing::sign(&w, &token, input).await?;
    w.commit().await?;
    Ok(quote)
}

/// Declines with a reason (when the business allows it).
#[server(endpoint = "decline_quote")]
pub async fn decline_quote(token: String, reason: String) -> Result<PortalQuote, AppError> {
    use crate::infra::{Write, events::Actor, request, state::app_state};
    let state = app_state()?;
    let meta = request::current_meta(&state)?;
    let reason = super::signing::check_reason(&reason)?;
    super::service::limit_client(&state, &meta).await?;
    let w = Write::begin(&state, Actor::visitor(&meta), None).await?;
    let quote = super::signing::decline(&w, &token, reason).await?;
    w.commit().await?;
    Ok(quote)
}

/// Recomputes the SHA-256 of the PDF a client signed and compares it with the
/// signature record (members of the workspace).
#[server(endpoint = "verify_quote_signature")]
pub async fn verify_quote_signature(id: QuoteId) -> Result<Verification, AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    super::service::verify(&state.db, &scope, id.0).await
}
