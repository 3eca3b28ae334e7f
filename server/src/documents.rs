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

/// `GET /app/invoices/{id}/pdf` (signed in): the invoice's Factur-X PDF.
pub async fn invoice_pdf(
    State(state): State<crate::http::ServerState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    request: Request,
) -> Response {
    let Ok(id) = id.parse::<uuid::Uuid>() else {
        return error_response(app::AppError::NotFound);
    };
    let (parts, _) = request.into_parts();
    let result = async {
        let scope = app::infra::scope::scope_of(&state.app, &parts).await?;
        app::invoice::download::invoice_pdf(&state.app, &scope, id).await
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

/// `GET /portal/{token}/documents/{id}/pdf`: one of the link's client's
/// quotes or issued invoices (never another client's).
pub async fn portal_document_pdf(
    State(state): State<crate::http::ServerState>,
    axum::extract::Path((token, id)): axum::extract::Path<(String, String)>,
    request: Request,
) -> Response {
    let Ok(id) = id.parse::<uuid::Uuid>() else {
        return error_response(app::AppError::NotFound);
    };
    let (parts, _) = request.into_parts();
    let meta = app::infra::request::meta_from_parts(&parts, state.app.config.proxy_hops);
    match app::portal::service::document_pdf(&state.app, &token, id, &meta).await {
        Ok(download) => pdf_response(download),
        Err(error) => error_response(error),
    }
}

/// `GET /app/jobs/{id}/report` (signed in): the job's report, as it stands.
pub async fn job_report(
    State(state): State<crate::http::ServerState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    request: Request,
) -> Response {
    let Ok(id) = id.parse::<uuid::Uuid>() else {
        return error_response(app::AppError::NotFound);
    };
    let (parts, _) = request.into_parts();
    let result = async {
        let scope = app::infra::scope::scope_of(&state.app, &parts).await?;
        app::jobs::report::member_pdf(&state.app, &scope, id).await
    }
    .await;
    match result {
        Ok(download) => pdf_response(download),
        Err(error) => error_response(error),
    }
}

/// `GET /portal/{token}/jobs/{id}/report`: the report of one of the link's
/// client's jobs, once it is done.
pub async fn portal_job_report(
    State(state): State<crate::http::ServerState>,
    axum::extract::Path((token, id)): axum::extract::Path<(String, String)>,
    request: Request,
) -> Response {
    let Ok(id) = id.parse::<uuid::Uuid>() else {
        return error_response(app::AppError::NotFound);
    };
    let (parts, _) = request.into_parts();
    let meta = app::infra::request::meta_from_parts(&parts, state.app.config.proxy_hops);
    match app::portal::service::job_report(&state.app, &token, id, &meta).await {
        Ok(download) => pdf_response(download),
        Err(error) => error_response(error),
    }
}

/// An export written page by page (FEC or CSV).
enum Export {
    Fec(app::invoice::fec::FecExport),
    Csv(app::invoice::csv::CsvExport),
}

impl Export {
    async fn next_chunk(&mut self, db: &sea_orm::DatabaseConnection) -> Result<Option<String>, app::AppError> {
        match self {
            Export::Fec(e) => e.next_chunk(db).await,
            Export::Csv(e) => e.next_chunk(db).await,
        }
    }
}

fn query_param(parts: &http::request::Parts, name: &str) -> String {
    parts
        .uri
        .query()
        .unwrap_or_default()
        .split('&')
        .find_map(|p| p.strip_prefix(&format!("{name}=")))
        .unwrap_or_default()
        .to_string()
}

/// Streams an export as an attachment, in constant memory.
fn attachment(state: &crate::http::ServerState, export: Export, name: &str, content_type: &str) -> Response {
    let db = state.app.db.clone();
    let stream = futures::stream::unfold((export, db, false), |(mut export, db, failed)| async move {
        if failed {
            return None;
        }
        match export.next_chunk(&db).await {
            Ok(Some(text)) => Some((
                Ok::<_, std::io::Error>(axum::body::Bytes::from(text)),
                (export, db, false),
            )),
            Ok(None) => None,
            Err(error) => {
                tracing::error!(%error, "export failed mid-stream");
                Some((Err(std::io::Error::other("export failed")), (export, db, true)))
            }
        }
    });
    (
        [
            (http::header::CONTENT_TYPE, content_type.to_string()),
            (
                http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (http::header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        // Fused: the body may poll once more after the end.
        axum::body::Body::from_stream(futures::StreamExt::fuse(stream)),
    )
        .into_response()
}

/// `GET /app/accounting/fec?from=YYYY-MM-DD&to=YYYY-MM-DD` (accounting
/// roles): the FEC of the period as an attachment `SIRENFECAAAAMMJJ.txt`,
/// streamed page by page.
pub async fn fec(State(state): State<crate::http::ServerState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let prepared = async {
        let scope = app::infra::scope::scope_of(&state.app, &parts).await?;
        let (from, to) = app::invoice::fec::parse_period(&query_param(&parts, "from"), &query_param(&parts, "to"))?;
        let export = app::invoice::fec::FecExport::new(&scope, from, to)?;
        let name = export.file_name(&state.app.db).await?;
        Ok::<_, app::AppError>((export, name))
    }
    .await;
    match prepared {
        Ok((export, name)) => attachment(&state, Export::Fec(export), &name, "text/plain; charset=utf-8"),
        Err(error) => error_response(error),
    }
}

/// `GET /app/accounting/{invoices|payments}.csv?from=…&to=…` (accounting roles).
pub async fn csv(
    State(state): State<crate::http::ServerState>,
    axum::extract::Path(what): axum::extract::Path<String>,
    request: Request,
) -> Response {
    let kind = match what.as_str() {
        "invoices.csv" => app::invoice::csv::CsvKind::Invoices,
        "payments.csv" => app::invoice::csv::CsvKind::Payments,
        _ => return error_response(app::AppError::NotFound),
    };
    let (parts, _) = request.into_parts();
    let prepared = async {
        let scope = app::infra::scope::scope_of(&state.app, &parts).await?;
        let (from, to) = app::invoice::fec::parse_period(&query_param(&parts, "from"), &query_param(&parts, "to"))?;
        app::invoice::csv::CsvExport::new(&scope, kind, from, to)
    }
    .await;
    match prepared {
        Ok(export) => {
            let name = export.file_name();
            attachment(&state, Export::Csv(export), &name, "text/csv; charset=utf-8")
        }
        Err(error) => error_response(error),
    }
}

/// `GET /app/einvoicing/received/{id}` (signed in): a supplier invoice as
/// received from the e-invoicing platform, downloaded (never shown inline:
/// it comes from outside).
pub async fn received_invoice(
    State(state): State<crate::http::ServerState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    request: Request,
) -> Response {
    let Ok(id) = id.parse::<uuid::Uuid>() else {
        return error_response(app::AppError::NotFound);
    };
    let (parts, _) = request.into_parts();
    let result = async {
        let scope = app::infra::scope::scope_of(&state.app, &parts).await?;
        app::invoice::einvoicing::service::received_file(&state.app.db, &scope, id).await
    }
    .await;
    match result {
        Ok(file) => {
            let name = file
                .file_name
                .replace(|c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '.', "");
            let content_type = if file.content_type == "application/pdf" {
                "application/pdf"
            } else {
                "application/xml"
            };
            (
                [
                    (http::header::CONTENT_TYPE, content_type.to_string()),
                    (
                        http::header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{name}\""),
                    ),
                    (http::header::CACHE_CONTROL, "private, no-store".to_string()),
                ],
                file.bytes,
            )
                .into_response()
        }
        Err(error) => error_response(error),
    }
}

/// `GET /app/artisan-documents/{id}`: an artisan's uploaded document, for
/// their workspace, or for a platform admin (moderation).
pub async fn artisan_document(
    State(state): State<crate::http::ServerState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    request: Request,
) -> Response {
    let Ok(id) = id.parse::<uuid::Uuid>() else {
        return error_response(app::AppError::NotFound);
    };
    let (parts, _) = request.into_parts();
    let result = async {
        let user = app::infra::scope::session_user_of(&state.app, &parts).await?;
        let scope = app::infra::scope::scope_of(&state.app, &parts).await.ok();
        app::marketplace::documents::file(&state.app, scope.as_ref(), user.user.is_platform_admin, id).await
    }
    .await;
    match result {
        Ok((name, content_type, bytes)) => (
            [
                (http::header::CONTENT_TYPE, content_type),
                (
                    http::header::CONTENT_DISPOSITION,
                    format!(
                        "inline; filename=\"{}\"",
                        name.chars()
                            .map(|c| if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                                c
                            } else {
                                '_'
                            })
                            .collect::<String>()
                    ),
                ),
                (http::header::CACHE_CONTROL, "private, no-store".to_string()),
                (
                    http::header::CONTENT_SECURITY_POLICY,
                    "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox".to_string(),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(error) => error_response(error),
    }
}

/// `GET /app/request-photos/{id}`: a public request's photo, for a platform
/// admin or a workspace that got a lead from the request.
pub async fn request_photo(
    State(state): State<crate::http::ServerState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    request: Request,
) -> Response {
    let Ok(id) = id.parse::<uuid::Uuid>() else {
        return error_response(app::AppError::NotFound);
    };
    let (parts, _) = request.into_parts();
    let result = async {
        let user = app::infra::scope::session_user_of(&state.app, &parts).await?;
        let scope = app::infra::scope::scope_of(&state.app, &parts).await.ok();
        let workspace = scope.as_ref().map(|s| s.workspace_id.0);
        app::marketplace::photos::file(&state.app, workspace, user.user.is_platform_admin, id).await
    }
    .await;
    match result {
        Ok(bytes) => (
            [
                (http::header::CONTENT_TYPE, "image/jpeg"),
                (http::header::CACHE_CONTROL, "private, max-age=3600"),
                (http::header::CONTENT_SECURITY_POLICY, "default-src 'none'; sandbox"),
            ],
            bytes,
        )
            .into_response(),
        Err(error) => error_response(error),
    }
}

/// `GET /app/job-photos/{id}` and `/app/job-photos/{id}/thumb` (signed in,
/// a member of the photo's workspace).
pub async fn job_photo(
    State(state): State<crate::http::ServerState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    request: Request,
) -> Response {
    serve_job_photo(state, &id, false, request).await
}

/// The thumbnail of a job photo.
pub async fn job_photo_thumb(
    State(state): State<crate::http::ServerState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    request: Request,
) -> Response {
    serve_job_photo(state, &id, true, request).await
}

async fn serve_job_photo(state: crate::http::ServerState, id: &str, thumb: bool, request: Request) -> Response {
    let Ok(id) = id.parse::<uuid::Uuid>() else {
        return error_response(app::AppError::NotFound);
    };
    let (parts, _) = request.into_parts();
    let result = async {
        let scope = app::infra::scope::scope_of(&state.app, &parts).await?;
        app::jobs::photos::file(&state.app, &scope, id, thumb).await
    }
    .await;
    match result {
        // A photo never changes once stored, but access may end (a member
        // removed): the browser keeps it an hour, privately.
        Ok(bytes) => job_photo_response(bytes, "private, max-age=3600"),
        Err(error) => error_response(error),
    }
}

/// `GET /portal/{token}/photos/{id}[/thumb]`: a photo the business shared
/// with the link's client, of one of their jobs.
pub async fn portal_job_photo(
    State(state): State<crate::http::ServerState>,
    axum::extract::Path((token, id)): axum::extract::Path<(String, String)>,
    request: Request,
) -> Response {
    serve_portal_photo(state, &token, &id, false, request).await
}

/// The thumbnail of a shared job photo.
pub async fn portal_job_photo_thumb(
    State(state): State<crate::http::ServerState>,
    axum::extract::Path((token, id)): axum::extract::Path<(String, String)>,
    request: Request,
) -> Response {
    serve_portal_photo(state, &token, &id, true, request).await
}

async fn serve_portal_photo(
    state: crate::http::ServerState,
    token: &str,
    id: &str,
    thumb: bool,
    request: Request,
) -> Response {
    let Ok(id) = id.parse::<uuid::Uuid>() else {
        return error_response(app::AppError::NotFound);
    };
    let (parts, _) = request.into_parts();
    let meta = app::infra::request::meta_from_parts(&parts, state.app.config.proxy_hops);
    match app::portal::service::job_photo(&state.app, token, id, thumb, &meta).await {
        // Five minutes: a photo the business hides again leaves the client's
        // browser soon.
        Ok(bytes) => job_photo_response(bytes, "private, max-age=300"),
        Err(error) => error_response(error),
    }
}

/// A stored job photo (always a JPEG the server made), sandboxed.
fn job_photo_response(bytes: Vec<u8>, cache: &'static str) -> Response {
    (
        [
            (http::header::CONTENT_TYPE, "image/jpeg"),
            (http::header::CACHE_CONTROL, cache),
            (http::header::CONTENT_SECURITY_POLICY, "default-src 'none'; sandbox"),
        ],
        bytes,
    )
        .into_response()
}
