//! The public request form (`/demande`, `/w/{slug}/demande`), the communes of
//! a postcode for its suggestions, and the requester's follow page: plain
//! HTML pages (no WASM), rendered by `app::marketplace::form`.

use crate::http::ServerState;
use app::AppError;
use app::infra::entity::workspace;
use app::marketplace::form::{self, FormContext};
use app::marketplace::requests::{self, RequestForm, Submitted, Target};
use axum::extract::{Path, Query, Request, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// Largest form body accepted (the description is 4,000 characters at most).
const MAX_BODY: usize = 64 * 1024;

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

async fn read_form(request: Request, hops: u8) -> Result<(app::infra::request::RequestMeta, RequestForm), Response> {
    let (parts, body) = request.into_parts();
    let meta = app::infra::request::meta_from_parts(&parts, hops);
    let bytes = axum::body::to_bytes(body, MAX_BODY)
        .await
        .map_err(|_| (StatusCode::PAYLOAD_TOO_LARGE, "Formulaire trop long.").into_response())?;
    let form: RequestForm = serde_urlencoded::from_bytes(&bytes)
        .map_err(|_| (StatusCode::BAD_REQUEST, "Formulaire illisible.").into_response())?;
    Ok((meta, form))
}

async fn submit(state: &ServerState, request: Request, t: Option<(Target, String)>, action: &str) -> Response {
    let (mut meta, form) = match read_form(request, state.app.config.proxy_hops).await {
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
    match requests::submit(&state.app, &meta, target.clone(), form.clone()).await {
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
