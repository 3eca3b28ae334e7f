//! The public request form (`/demande`, `/w/{slug}/demande`), the communes of
//! a postcode for its suggestions, and the requester's follow page: plain
//! HTML pages (no WASM), rendered by `app::marketplace::form`.

use crate::http::ServerState;
use app::AppError;
use app::infra::entity::workspace;
use app::marketplace::form::{self, FormContext};
use app::marketplace::photos::{self, PhotoUpload};
use app::marketplace::requests::{self, RequestForm, Submitted, Target};
use axum::extract::{Path, Query, Request, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// Largest form body without photos (the description is 4,000 characters at most).
const MAX_BODY: usize = 64 * 1024;
/// Largest multipart body: five photos of 10 MB, the fields, the boundaries.
const MAX_MULTIPART: u64 = (photos::MAX_PHOTOS * photos::MAX_PHOTO_BYTES) as u64 + (1 << 20);

fn html(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(form::POLICY));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn target(state: &ServerState, slug: &str) -> Result<(Target, String), AppError> {
    let ws = workspace::Entity::find()
        .filter(workspace::Column::Slug.eq(slug))
        .one(&state.app.db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((
        Target {
            id: ws.id,
            pack: ws.pack,
        },
        ws.name,
    ))
}

fn context<'a>(action: &'a str, company: Option<&'a str>, t: Option<&Target>) -> FormContext<'a> {
    FormContext {
        action,
        company,
        trades: requests::trades(t),
    }
}

/// `GET /demande`: the platform's form.
pub async fn platform_form() -> Response {
    html(
        StatusCode::OK,
        form::form_page(&context("/demande", None, None), &RequestForm::default(), &None),
    )
}

/// `GET /w/{slug}/demande`: a workspace's own form.
pub async fn own_form(State(state): State<ServerState>, Path(slug): Path<String>) -> Response {
    match target(&state, &slug).await {
        Ok((t, name)) => {
            let action = format!("/w/{slug}/demande");
            html(
                StatusCode::OK,
                form::form_page(&context(&action, Some(&name), Some(&t)), &RequestForm::default(), &None),
            )
        }
        Err(e) => not_found(e),
    }
}

fn not_found(e: AppError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::NOT_FOUND);
    html(status, form::unknown_page())
}

type Posted = (app::infra::request::RequestMeta, RequestForm, Vec<PhotoUpload>);

/// The form as sent: `multipart/form-data` (the page's own encoding, with
/// photos) or `application/x-www-form-urlencoded` (no photos).
async fn read_form(request: Request, hops: u8) -> Result<Posted, Response> {
    let (parts, body) = request.into_parts();
    let meta = app::infra::request::meta_from_parts(&parts, hops);
    let content_type = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let unreadable = || (StatusCode::BAD_REQUEST, "Formulaire illisible.").into_response();
    if let Ok(boundary) = multer::parse_boundary(content_type) {
        let (form, uploads) = read_multipart(body, boundary).await.map_err(|e| {
            tracing::info!(error = %e, "request form refused");
            match e {
                multer::Error::StreamSizeExceeded { .. } => (
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "Formulaire trop lourd : 5 photos de 10 Mo au plus.",
                )
                    .into_response(),
                _ => unreadable(),
            }
        })?;
        return Ok((meta, form, uploads));
    }
    let bytes = axum::body::to_bytes(body, MAX_BODY)
        .await
        .map_err(|_| (StatusCode::PAYLOAD_TOO_LARGE, "Formulaire trop long.").into_response())?;
    let form: RequestForm = serde_urlencoded::from_bytes(&bytes).map_err(|_| unreadable())?;
    Ok((meta, form, Vec::new()))
}

/// Reads the text fields into the form and the `photos` files. A file over
/// the cap is read to its end but not kept (the fields after it still
/// count, and the page names it); the whole body has a hard cap.
async fn read_multipart(
    body: axum::body::Body,
    boundary: String,
) -> Result<(RequestForm, Vec<PhotoUpload>), multer::Error> {
    let constraints = multer::Constraints::new().size_limit(
        multer::SizeLimit::new()
            .whole_stream(MAX_MULTIPART)
            .per_field(MAX_BODY as u64)
            .for_field("photos", MAX_MULTIPART),
    );
    let mut multipart = multer::Multipart::with_constraints(body.into_data_stream(), boundary, constraints);
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut text_bytes = 0usize;
    let mut uploads = Vec::new();
    while let Some(mut field) = multipart.next_field().await? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "photos" {
            let file_name = field.file_name().unwrap_or_default().to_string();
            let mut bytes = Vec::new();
            let mut too_large = false;
            while let Some(chunk) = field.chunk().await? {
                if bytes.len() + chunk.len() > photos::MAX_PHOTO_BYTES {
                    too_large = true;
                    bytes = Vec::new();
                }
                if !too_large {
                    bytes.extend_from_slice(&chunk);
                }
            }
            // An empty file input still sends one nameless, empty part.
            if too_large || !bytes.is_empty() {
                uploads.push(PhotoUpload {
                    file_name,
                    bytes,
                    too_large,
                });
            }
        } else {
            let value = field.text().await?;
            text_bytes += value.len();
            if text_bytes > MAX_BODY {
                return Err(multer::Error::StreamSizeExceeded { limit: MAX_BODY as u64 });
            }
            fields.push((name, value));
        }
    }
    let encoded = serde_urlencoded::to_string(&fields).map_err(|_| multer::Error::IncompleteStream)?;
    let form = serde_urlencoded::from_str(&encoded).map_err(|_| multer::Error::IncompleteStream)?;
    Ok((form, uploads))
}

async fn submit(state: &ServerState, request: Request, t: Option<(Target, String)>, action: &str) -> Response {
    let (mut meta, mut form, uploads) = match read_form(request, state.app.config.proxy_hops).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    if meta.ip.is_none() {
        meta.ip = Some("unknown".into());
    }
    let (target, company) = match t {
        Some((t, name)) => (Some(t), Some(name)),
        None => (None, None),
    };
    form.photo_count = uploads.len();
    match requests::submit(&state.app, &meta, target.clone(), form.clone(), uploads).await {
        Ok(Submitted::Created | Submitted::Merged | Submitted::Ignored) => {
            Redirect::to("/demande/merci").into_response()
        }
        Err(error) => {
            let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let ctx = context(action, company.as_deref(), target.as_ref());
            html(status, form::form_page(&ctx, &form, &Some(error)))
        }
    }
}

/// `POST /demande`.
pub async fn platform_submit(State(state): State<ServerState>, request: Request) -> Response {
    submit(&state, request, None, "/demande").await
}

/// `POST /w/{slug}/demande`.
pub async fn own_submit(State(state): State<ServerState>, Path(slug): Path<String>, request: Request) -> Response {
    match target(&state, &slug).await {
        Ok(t) => {
            let action = format!("/w/{slug}/demande");
            submit(&state, request, Some(t), &action).await
        }
        Err(e) => not_found(e),
    }
}

/// `GET /demande/merci`: the confirmation, the same whatever became of the request.
pub async fn thanks() -> Response {
    html(StatusCode::OK, form::thanks_page())
}

/// `GET /demande/communes?cp=69003`: the communes of a postcode, most
/// populous first (JSON list of names).
pub async fn communes(Query(q): Query<std::collections::HashMap<String, String>>) -> Response {
    let cp = q.get("cp").map(String::as_str).unwrap_or_default();
    let names: Vec<String> = match app::infra::communes::index() {
        Ok(index) => {
            let mut names: Vec<String> = index
                .of_postcode(cp)
                .into_iter()
                .filter(|c| c.current)
                .map(|c| c.name.clone())
                .collect();
            names.dedup();
            names
        }
        Err(_) => Vec::new(),
    };
    let mut response = axum::Json(names).into_response();
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
    response
}

/// `GET /demande/suivi/{token}`: the requester's page.
pub async fn follow(State(state): State<ServerState>, Path(token): Path<String>) -> Response {
    match requests::follow(&state.app, &token).await {
        Ok(Some(view)) => html(StatusCode::OK, form::follow_page(&view)),
        Ok(None) => html(StatusCode::NOT_FOUND, form::unknown_page()),
        Err(e) => not_found(e),
    }
}
