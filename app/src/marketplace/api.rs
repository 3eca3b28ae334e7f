//! Server functions of the marketplace: an artisan's profile (the member or
//! a manager of their workspace), and the platform admin's request queue
//! (platform admins only; others get "not found").

use super::{ProfileForm, ProfileView, RequestDetail, RequestRow};
use crate::domain::MemberId;
use crate::error::AppError;
use leptos::prelude::*;
use server_fn::codec::Json;

/// A member's artisan profile (artisan workspaces only).
#[server(endpoint = "fetch_artisan_profile")]
pub async fn fetch_artisan_profile(member: MemberId) -> Result<ProfileView, AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    super::profile::view(&state.db, &scope, member.0).await
}

/// Saves a member's artisan profile; returns it as saved.
#[server(endpoint = "save_artisan_profile", input = Json)]
pub async fn save_artisan_profile(member: MemberId, form: ProfileForm) -> Result<ProfileView, AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    super::profile::save(&state, &scope, member.0, form).await?;
    super::profile::view(&state.db, &scope, member.0).await
}

/// The platform's public requests, those nobody could take first.
#[server(endpoint = "fetch_market_requests")]
pub async fn fetch_market_requests() -> Result<Vec<RequestRow>, AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let current = scope::session_user(&state).await?;
    super::queue::list(&state, &current).await
}

/// One public request with every routing verdict.
#[server(endpoint = "fetch_market_request")]
pub async fn fetch_market_request(id: uuid::Uuid) -> Result<RequestDetail, AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let current = scope::session_user(&state).await?;
    super::queue::detail(&state, &current, id).await
}

/// « Assigner »: gives an artisan a deal on a request by hand.
#[server(endpoint = "assign_market_request")]
pub async fn assign_market_request(request: uuid::Uuid, member: MemberId) -> Result<RequestDetail, AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let current = scope::session_user(&state).await?;
    super::queue::assign_by_hand(&state, &current, request, member.0).await?;
    super::queue::detail(&state, &current, request).await
}

/// The platform's routing and reminder settings.
#[server(endpoint = "fetch_market_settings")]
pub async fn fetch_market_settings() -> Result<super::SettingsForm, AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let current = scope::session_user(&state).await?;
    super::queue::settings_form(&state, &current).await
}

/// Saves the routing and reminder settings (platform admins).
#[server(endpoint = "save_market_settings", input = Json)]
pub async fn save_market_settings(form: super::SettingsForm) -> Result<super::SettingsForm, AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let current = scope::session_user(&state).await?;
    super::queue::save_settings(&state, &current, &form).await
}

/// « Reprendre »: takes a request back from an artisan who has not
/// contacted the client in time (their deal is lost with the reason).
#[server(endpoint = "withdraw_market_request")]
pub async fn withdraw_market_request(request: uuid::Uuid, member: MemberId) -> Result<RequestDetail, AppError> {
    use crate::infra::{scope, state::app_state, time};
    let state = app_state()?;
    let current = scope::session_user(&state).await?;
    super::queue::withdraw(&state, &current, request, member.0, time::now()).await?;
    super::queue::detail(&state, &current, request).await
}

/// The map: artisans of a trade (all when empty) and recent requests of
/// that trade and status (all when empty).
#[server(endpoint = "fetch_market_map")]
pub async fn fetch_market_map(trade: String, status: String) -> Result<super::map::MarketMap, AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let current = scope::session_user(&state).await?;
    let status = match status.as_str() {
        "" => None,
        s => Some(
            serde_json::from_value::<super::RequestStatus>(serde_json::Value::String(s.into()))
                .map_err(|_| AppError::field("status", "État inconnu."))?,
        ),
    };
    super::map_data::map(&state, &current, Some(trade), status).await
}

/// A member's compliance documents.
#[server(endpoint = "fetch_artisan_documents")]
pub async fn fetch_artisan_documents(member: MemberId) -> Result<Vec<super::DocumentRow>, AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    super::profile::view(&state.db, &scope, member.0).await?;
    super::documents::list(&state.db, &scope, member.0).await
}

/// Uploads a document: its details and the file as a `data:…;base64,` URL.
#[server(endpoint = "upload_artisan_document", input = Json)]
pub async fn upload_artisan_document(
    member: MemberId,
    document: super::DocumentUpload,
    file: String,
) -> Result<Vec<super::DocumentRow>, AppError> {
    use crate::infra::{scope, state::app_state};
    use base64::Engine;
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    let payload = file.split_once(";base64,").map(|(_, b)| b).unwrap_or_default();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(payload.trim())
        .map_err(|_| AppError::field("file", "Le fichier n'a pas pu être lu."))?;
    super::documents::upload(&state, &scope, member.0, document, bytes).await?;
    super::documents::list(&state.db, &scope, member.0).await
}

/// The moderation queue (platform admins).
#[server(endpoint = "fetch_document_queue")]
pub async fn fetch_document_queue() -> Result<Vec<super::ModerationRow>, AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let current = scope::session_user(&state).await?;
    super::documents::pending(&state, &current).await
}

/// Approves a pending document, or rejects it with a reason (platform admins).
#[server(endpoint = "review_document")]
pub async fn review_document(
    id: uuid::Uuid,
    approve: bool,
    reason: String,
) -> Result<Vec<super::ModerationRow>, AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let current = scope::session_user(&state).await?;
    super::documents::review(&state, &current, id, approve, &reason).await?;
    super::documents::pending(&state, &current).await
}

/// The directory of artisan profiles (platform admins): a trade (all when
/// empty), who routing may pick today, a search, a page of 50.
#[server(endpoint = "fetch_artisan_directory")]
pub async fn fetch_artisan_directory(
    trade: String,
    standing: super::Standing,
    search: String,
    page: Option<crate::domain::paging::Bounded>,
) -> Result<super::Directory, AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let current = scope::session_user(&state).await?;
    super::directory::list(&state, &current, &trade, standing, &search, page.unwrap_or_default()).await
}
