//! Server functions of e-invoicing. Each authorises through the caller's
//! scope (the service checks the role); calls that reach the platform are
//! rate-limited per workspace.

use super::{DirectoryAnswer, EInvoiceState, EInvoicingPage, SyncReport};
use crate::domain::InvoiceId;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
async fn caller() -> Result<(crate::infra::AppState, crate::infra::Scope), AppError> {
    let state = crate::infra::state::app_state()?;
    let scope = crate::infra::scope::scope(&state).await?;
    Ok((state, scope))
}

#[cfg(feature = "ssr")]
async fn limit(state: &crate::infra::AppState, scope: &crate::infra::Scope) -> Result<(), AppError> {
    state
        .limit(
            format!("platform:{}", scope.workspace_id.0),
            crate::infra::rate_limit::PLATFORM_PER_WORKSPACE,
        )
        .await
}

/// Sends an issued B2B invoice through the e-invoicing platform.
#[server(endpoint = "transmit_invoice")]
pub async fn transmit_invoice(id: InvoiceId) -> Result<(), AppError> {
    let (state, scope) = caller().await?;
    let w = crate::infra::Write::scoped(&state, &scope).await?;
    super::service::request_transmit(&w, &scope, id.0).await?;
    w.commit().await
}

/// The e-invoicing state of an invoice: can it be sent, its statuses.
#[server(endpoint = "fetch_einvoice_state")]
pub async fn fetch_einvoice_state(id: InvoiceId) -> Result<EInvoiceState, AppError> {
    let (state, scope) = caller().await?;
    super::service::state_of(&state.db, &scope, id.0).await
}

/// Looks a draft's buyer up in the directory and keeps its electronic address.
#[server(endpoint = "lookup_directory")]
pub async fn lookup_directory(id: InvoiceId) -> Result<DirectoryAnswer, AppError> {
    let (state, scope) = caller().await?;
    scope.require(crate::domain::Role::can_write_invoices)?;
    limit(&state, &scope).await?;
    super::service::lookup_buyer(&state, &scope, id.0).await
}

/// The e-invoicing page: received supplier invoices and the flow journal.
#[server(endpoint = "fetch_einvoicing")]
pub async fn fetch_einvoicing() -> Result<EInvoicingPage, AppError> {
    let (state, scope) = caller().await?;
    super::service::page(&state, &scope).await
}

/// Reads the incoming flows now (the scheduler also does every minute).
#[server(endpoint = "sync_einvoicing")]
pub async fn sync_einvoicing() -> Result<SyncReport, AppError> {
    let (state, scope) = caller().await?;
    scope.require(crate::domain::Role::can_issue_invoices)?;
    limit(&state, &scope).await?;
    let w = crate::infra::Write::scoped(&state, &scope).await?;
    super::service::enrol(&w, scope.workspace_id.0).await?;
    w.commit().await?;
    super::ingest::receive(&state, scope.workspace_id.0)
        .await
        .map_err(|error| {
            tracing::warn!(%error, "e-invoicing: reading incoming flows failed");
            AppError::Conflict("La plateforme ne répond pas pour le moment. Réessayez plus tard.".into())
        })
}
