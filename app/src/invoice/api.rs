//! Server functions of invoices, credit notes, payments and the invoicing
//! settings. Whole documents travel as JSON; every function authorises
//! through the caller's scope (the service checks the role).

use super::{FromQuote, InvoiceDraft, InvoiceList, InvoiceRow, InvoiceSettings, InvoiceView, PaymentInput};
use crate::domain::{InvoiceId, PaymentId, QuoteId};
use crate::error::AppError;
use leptos::prelude::*;
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
mod support {
    pub use crate::infra::{Scope, scope, state::AppState, state::app_state};

    /// The state and the caller's scope.
    pub async fn caller() -> Result<(AppState, Scope), crate::error::AppError> {
        let state = app_state()?;
        let scope = scope::scope(&state).await?;
        Ok((state, scope))
    }
}

/// Starts a blank invoice.
#[server(endpoint = "create_invoice")]
pub async fn create_invoice() -> Result<InvoiceId, AppError> {
    let (state, scope) = support::caller().await?;
    let w = crate::infra::Write::scoped(&state, &scope).await?;
    let id = super::service::create(&w, &scope).await?;
    w.commit().await?;
    Ok(InvoiceId(id))
}

/// Starts a deposit, progress or final invoice on a signed quote.
#[server(endpoint = "invoice_quote", input = Json)]
pub async fn invoice_quote(quote_id: QuoteId, what: FromQuote) -> Result<InvoiceId, AppError> {
    let (state, scope) = support::caller().await?;
    let w = crate::infra::Write::scoped(&state, &scope).await?;
    let id = super::service::create_from_quote(&w, &scope, quote_id.0, what).await?;
    w.commit().await?;
    Ok(InvoiceId(id))
}

/// Starts a credit note on an issued invoice (a full copy, or a partial one to fill in).
#[server(endpoint = "create_credit_note")]
pub async fn create_credit_note(id: InvoiceId, full: bool) -> Result<InvoiceId, AppError> {
    let (state, scope) = support::caller().await?;
    let w = crate::infra::Write::scoped(&state, &scope).await?;
    let credit = super::service::create_credit_note(&w, &scope, id.0, full).await?;
    w.commit().await?;
    Ok(InvoiceId(credit))
}

/// Saves a whole draft and returns it as stored, with the legal check.
#[server(endpoint = "save_invoice", input = Json)]
pub async fn save_invoice(id: InvoiceId, draft: InvoiceDraft) -> Result<InvoiceView, AppError> {
    let (state, scope) = support::caller().await?;
    let w = crate::infra::Write::scoped(&state, &scope).await?;
    super::service::save(&w, &scope, id.0, draft).await?;
    w.commit().await?;
    super::service::view(&state.db, &scope, id.0).await
}

/// Deletes a draft.
#[server(endpoint = "delete_invoice")]
pub async fn delete_invoice(id: InvoiceId) -> Result<(), AppError> {
    let (state, scope) = support::caller().await?;
    let w = crate::infra::Write::scoped(&state, &scope).await?;
    super::service::delete(&w, &scope, id.0).await?;
    w.commit().await
}

/// An invoice with its lines, totals, payments and the legal check.
#[server(endpoint = "fetch_invoice")]
pub async fn fetch_invoice(id: InvoiceId) -> Result<InvoiceView, AppError> {
    let (state, scope) = support::caller().await?;
    super::service::view(&state.db, &scope, id.0).await
}

/// Issues a draft: legal check, number, Factur-X PDF, lock.
#[server(endpoint = "issue_invoice")]
pub async fn issue_invoice(id: InvoiceId) -> Result<InvoiceView, AppError> {
    let (state, scope) = support::caller().await?;
    let w = crate::infra::Write::scoped(&state, &scope).await?;
    super::issue::issue(&w, &scope, id.0).await?;
    w.commit().await?;
    super::service::view(&state.db, &scope, id.0).await
}

/// Emails an issued invoice to its client with the PDF.
#[server(endpoint = "send_invoice")]
pub async fn send_invoice(id: InvoiceId) -> Result<InvoiceView, AppError> {
    let (state, scope) = support::caller().await?;
    let w = crate::infra::Write::scoped(&state, &scope).await?;
    super::issue::send(&w, &scope, id.0).await?;
    w.commit().await?;
    super::service::view(&state.db, &scope, id.0).await
}

/// Records a payment.
#[server(endpoint = "record_payment", input = Json)]
pub async fn record_payment(id: InvoiceId, payment: PaymentInput) -> Result<PaymentId, AppError> {
    let (state, scope) = support::caller().await?;
    let w = crate::infra::Write::scoped(&state, &scope).await?;
    let paid = super::payments::record(&w, &scope, id.0, payment).await?;
    w.commit().await?;
    Ok(paid)
}

/// Makes the holdback of an invoice due.
#[server(endpoint = "release_holdback")]
pub async fn release_holdback(id: InvoiceId) -> Result<InvoiceView, AppError> {
    let (state, scope) = support::caller().await?;
    let w = crate::infra::Write::scoped(&state, &scope).await?;
    super::payments::release_holdback(&w, &scope, id.0).await?;
    w.commit().await?;
    super::service::view(&state.db, &scope, id.0).await
}

/// Stops or resumes the unpaid reminders of an invoice.
#[server(endpoint = "set_invoice_reminders")]
pub async fn set_invoice_reminders(id: InvoiceId, enabled: bool) -> Result<InvoiceView, AppError> {
    let (state, scope) = support::caller().await?;
    let w = crate::infra::Write::scoped(&state, &scope).await?;
    super::payments::set_reminders(&w, &scope, id.0, enabled).await?;
    w.commit().await?;
    super::service::view(&state.db, &scope, id.0).await
}

/// The invoices list (status filter, search, page of 50).
#[server(endpoint = "list_invoices")]
pub async fn list_invoices(
    status: Option<String>,
    q: Option<String>,
    page: Option<crate::domain::paging::Bounded>,
) -> Result<InvoiceList, AppError> {
    let (state, scope) = support::caller().await?;
    let status = status.as_deref().and_then(super::InvoiceStatus::parse);
    super::service::list(&state.db, &scope, status, q, page.unwrap_or_default()).await
}

/// The invoices of a signed quote.
#[server(endpoint = "quote_invoices")]
pub async fn quote_invoices(quote_id: QuoteId) -> Result<Vec<InvoiceRow>, AppError> {
    let (state, scope) = support::caller().await?;
    super::service::of_quote(&state.db, &scope, quote_id.0).await
}

/// The invoicing settings.
#[server(endpoint = "fetch_invoice_settings")]
pub async fn fetch_invoice_settings() -> Result<InvoiceSettings, AppError> {
    let (state, scope) = support::caller().await?;
    scope.require(crate::domain::Role::can_read_invoices)?;
    Ok(super::settings::view(
        &super::settings::load(&state.db, scope.workspace_id.0).await?,
    ))
}

/// Saves the invoicing settings.
#[server(endpoint = "save_invoice_settings", input = Json)]
pub async fn save_invoice_settings(settings: InvoiceSettings) -> Result<InvoiceSettings, AppError> {
    let (state, scope) = support::caller().await?;
    let w = crate::infra::Write::scoped(&state, &scope).await?;
    super::settings::save(&w, &scope, settings).await?;
    w.commit().await?;
    Ok(super::settings::view(
        &super::settings::load(&state.db, scope.workspace_id.0).await?,
    ))
}
