//! File downloads: quote PDFs for signed-in members (and, in the portal, for
//! the client holding the link).

use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;

/// A PDF response, shown inline, never cached by shared caches.
pub fn pdf_response(download: app::quote::download::PdfDownload) -> Response {
    let disposition = format!("inline; filename=\"{}\"", download.file_name.replace(['"', '\\'], ""));
    (
        [
            (http::header::CONTENT_TYPE, "application/pdf".to_string()),
            (http::header::CONTENT_DISPOSITION, disposition),
            (http::header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        download.bytes,
    )
        .into_response()
}

/// The status of an error, with its JSON body (no internals).
pub fn error_response(error: app::AppError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(error)).into_response()
}

/// `GET /app/quotes/{id}/pdf[?copy=sent]` (signed in): the quote's PDF.
pub async fn quote_pdf(
    State(state): State<crate::http::ServerState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    request: Request,
) -> Response {
    let Ok(id) = id.parse::<uuid::Uuid>() else {
        return error_response(app::AppError::NotFound);
    };
    let (parts, _) = request.into_parts();
    let sent_copy = parts
        .uri
        .query()
        .is_some_and(|q| q.split('&').any(|p| p == "copy=sent"));
    let result = async {
        let scope = app::infra::scope::scope_of(&state.app, &parts).await?;
        app::quote::download::quote_pdf(&state.app, &scope, id, sent_copy).await
    }
    .await;
    match result {
        Ok(download) => pdf_response(download),
        Err(error) => error_response(error),
    }
}

/// `GET /portal/{token}/pdf`: the quote behind a portal link (the signed copy once signed).
pub async fn portal_pdf(
    State(state): State<crate::http::ServerState>,
    axum::extract::Path(token): axum::extract::Path<String>,
    request: Request,
) -> Response {
    let (parts, _) = request.into_parts();
    let meta = app::infra::request::meta_from_parts(&parts, state.app.config.proxy_hops);
    match app::portal::service::pdf(&state.app, &token, &meta).await {
        Ok(download) => pdf_response(download),
        Err(error) => error_response(error),
    }
}
