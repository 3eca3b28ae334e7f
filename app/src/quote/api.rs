//! Server functions of the quote editor, the quotes list, the business
//! settings and the catalogue. Whole documents (a draft, the settings) travel
//! as JSON; everything else as form fields.

use super::{BusinessSettings, CatalogueItem, ContactMatch, QuoteDraft, QuoteList, QuoteRow, QuoteView};
use crate::domain::{CatalogueItemId, DealId, QuoteId};
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

/// Starts a draft (from a deal: client and site address from its lead).
#[server(endpoint = "create_quote")]
pub async fn create_quote(deal_id: Option<DealId>) -> Result<QuoteId, AppError> {
    let (state, scope) = support::caller().await?;
    let w = crate::infra::Write::scoped(&state, &scope).await?;
    let id = super::service::create(&w, &scope, deal_id.map(|d| d.0)).await?;
    w.commit().await?;
    Ok(QuoteId(id))
}

/// What a new quote starts with (nothing stored until the first save).
#[server(endpoint = "new_quote_draft")]
pub async fn new_quote_draft(deal_id: Option<DealId>) -> Result<QuoteDraft, AppError> {
    let (state, scope) = support::caller().await?;
    let q = super::service::prefilled(&state.db, &scope, deal_id.map(|d| d.0)).await?;
    Ok(super::store::draft_of(&q, &[]))
}

/// Saves a whole draft (autosave) and returns it as stored, with the legal check.
#[server(endpoint = "save_quote", input = Json)]
pub async fn save_quote(id: QuoteId, draft: QuoteDraft) -> Result<QuoteView, AppError> {
    let (state, scope) = support::caller().await?;
    let w = crate::infra::Write::scoped(&state, &scope).await?;
    super::service::save(&w, &scope, id.0, draft).await?;
    w.commit().await?;
    super::service::view(&state.db, &scope, id.0).await
}

/// A quote with its lines, totals and the legal check.
#[server(endpoint = "fetch_quote")]
pub async fn fetch_quote(id: QuoteId) -> Result<QuoteView, AppError> {
    let (state, scope) = support::caller().await?;
    super::service::view(&state.db, &scope, id.0).await
}

/// The quotes list (status filter, search, page of 50).
#[server(endpoint = "list_quotes")]
pub async fn list_quotes(
    status: Option<String>,
    q: Option<String>,
    page: Option<crate::domain::paging::Bounded>,
) -> Result<QuoteList, AppError> {
    let (state, scope) = support::caller().await?;
    let status = status.as_deref().and_then(super::QuoteStatus::parse);
    super::service::list(&state.db, &scope, status, q, page.unwrap_or_default()).await
}

/// The quotes of a deal (drawer tab).
#[server(endpoint = "deal_quotes")]
pub async fn deal_quotes(deal_id: DealId) -> Result<Vec<QuoteRow>, AppError> {
    let (state, scope) = support::caller().await?;
    super::service::of_deal(&state.db, &scope, deal_id.0).await
}

/// Existing clients with this email or phone (duplicate warning).
#[server(endpoint = "matching_contacts")]
pub async fn matching_contacts(email: Option<String>, phone: Option<String>) -> Result<Vec<ContactMatch>, AppError> {
    let (state, scope) = support::caller().await?;
    super::service::matching_contacts(
        &state.db,
        &scope,
        email.as_deref().unwrap_or_default(),
        phone.as_deref().unwrap_or_default(),
    )
    .await
}

/// The legal identity and quote settings.
#[server(endpoint = "fetch_business_settings")]
pub async fn fetch_business_settings() -> Result<BusinessSettings, AppError> {
    let (state, scope) = support::caller().await?;
    scope.require(crate::domain::Role::can_read_quotes)?;
    Ok(super::profile::settings_of(
        &super::profile::load(&state.db, scope.workspace_id.0).await?,
    ))
}

/// Saves the legal identity and quote settings (owners and admins).
#[server(endpoint = "save_business_settings", input = Json)]
pub async fn save_business_settings(settings: BusinessSettings) -> Result<BusinessSettings, AppError> {
    let (state, scope) = support::caller().await?;
    let w = crate::infra::Write::scoped(&state, &scope).await?;
    super::profile::save(&w, &scope, settings).await?;
    w.commit().await?;
    Ok(super::profile::settings_of(
        &super::profile::load(&state.db, scope.workspace_id.0).await?,
    ))
}

/// Stores the logo printed on quotes: a `data:image/png|jpeg;base64,…` URL
/// (empty removes it). Owners and admins.
#[server(endpoint = "upload_logo", input = Json)]
pub async fn upload_logo(image: String) -> Result<BusinessSettings, AppError> {
    use base64::Engine;
    let (state, scope) = support::caller().await?;
    let bytes = if image.trim().is_empty() {
        None
    } else {
        let b64 = image.split_once(";base64,").map(|(_, b)| b).unwrap_or(&image);
        Some(
            base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .map_err(|_| AppError::field("logo", "Choisissez une image PNG ou JPEG."))?,
        )
    };
    let w = crate::infra::Write::scoped(&state, &scope).await?;
    super::profile::set_logo(&w, &scope, bytes).await?;
    w.commit().await?;
    Ok(super::profile::settings_of(
        &super::profile::load(&state.db, scope.workspace_id.0).await?,
    ))
}

/// The catalogue.
#[server(endpoint = "list_catalogue")]
pub async fn list_catalogue() -> Result<Vec<CatalogueItem>, AppError> {
    let (state, scope) = support::caller().await?;
    super::profile::catalogue(&state.db, &scope).await
}

/// Adds (`is_new`) or changes a catalogue item.
#[server(endpoint = "save_catalogue_item", input = Json)]
pub async fn save_catalogue_item(item: CatalogueItem, is_new: bool) -> Result<CatalogueItemId, AppError> {
    let (state, scope) = support::caller().await?;
    let w = crate::infra::Write::scoped(&state, &scope).await?;
    let id = super::profile::save_item(&w, &scope, item, is_new).await?;
    w.commit().await?;
    Ok(CatalogueItemId(id))
}

/// Archives a catalogue item.
#[server(endpoint = "archive_catalogue_item")]
pub async fn archive_catalogue_item(id: CatalogueItemId) -> Result<(), AppError> {
    let (state, scope) = support::caller().await?;
    let w = crate::infra::Write::scoped(&state, &scope).await?;
    super::profile::archive_item(&w, &scope, id.0).await?;
    w.commit().await?;
    Ok(())
}

/// Sends a draft: legal check, number, PDF, email with the portal link, the
/// deal to the quote stage. Returns the sent quote.
#[server(endpoint = "send_quote")]
pub async fn send_quote(id: QuoteId) -> Result<QuoteView, AppError> {
    let (state, scope) = support::caller().await?;
    let w = crate::infra::Write::scoped(&state, &scope).await?;
    super::send::send(&w, &scope, id.0).await?;
    w.commit().await?;
    super::service::view(&state.db, &scope, id.0).await
}

/// Starts a new version of a sent quote (to change it: it must be signed again).
#[server(endpoint = "new_quote_version")]
pub async fn new_quote_version(id: QuoteId) -> Result<QuoteId, AppError> {
    let (state, scope) = support::caller().await?;
    let w = crate::infra::Write::scoped(&state, &scope).await?;
    let new_id = super::versions::new_version(&w, &scope, id.0).await?;
    w.commit().await?;
    Ok(QuoteId(new_id))
}
